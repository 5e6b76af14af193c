{
  "variables": {
    "ppma_blas%": "<!(node -p \"['0','false','off','no'].includes((process.env.PPMA_OPENBLAS||'1').toLowerCase())?0:1\")"
  },
  "targets": [
    {
      "target_name": "ppma_native",
      "sources": [
        "native/addon.cc",
        "native/gemm.cc",
        "native/conv.cc",
        "native/own-gemm.cc",
        "native/ops.cc",
        "native/norm-ops.cc",
        "native/post-ops.cc",
        "native/attention.cc",
        "native/pool.cc"
      ],
      "defines": ["NAPI_VERSION=8"],
      "cflags_cc": ["-O3", "-std=c++17", "-fno-exceptions", "-fno-math-errno", "-fopenmp-simd", "-pthread"],
      "ldflags": ["-pthread"],
      "conditions": [
        ["ppma_blas==1 and OS=='mac'", {
          "libraries": ["-framework Accelerate"],
          "defines": ["ACCELERATE_NEW_LAPACK", "PPMA_HAVE_BLAS"]
        }],
        ["ppma_blas==1 and OS!='mac'", {
          "libraries": ["-lopenblas"],
          "defines": ["PPMA_HAVE_BLAS"]
        }],
        ["OS=='mac'", {
          "xcode_settings": { "OTHER_CPLUSPLUSFLAGS": ["-O3", "-std=c++17"] }
        }]
      ]
    }
  ]
}
