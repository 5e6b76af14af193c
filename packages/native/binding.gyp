{
  "targets": [
    {
      "target_name": "ppma_native",
      "sources": ["native/gemm.cc"],
      "defines": ["NAPI_VERSION=8"],
      "cflags_cc": ["-O3", "-std=c++17", "-fno-exceptions"],
      "conditions": [
        ["OS=='mac'", {
          "libraries": ["-framework Accelerate"],
          "defines": ["ACCELERATE_NEW_LAPACK"],
          "xcode_settings": { "OTHER_CPLUSPLUSFLAGS": ["-O3", "-std=c++17"] }
        }, {
          "libraries": ["-lopenblas"]
        }]
      ]
    }
  ]
}
