// Small helpers over the plain N-API C interface shared by the addon's source files.
#pragma once

#include <node_api.h>

#include <cstddef>
#include <cstdint>
#include <string>

namespace ppma {

inline napi_value Throw(napi_env env, const std::string& msg) {
  napi_throw_error(env, "PPMA_NATIVE", msg.c_str());
  return nullptr;
}

// The arguments of a call; false (with a JS error thrown) when fewer than `want` were given.
inline bool Args(napi_env env, napi_callback_info info, size_t want, napi_value* argv, const char* usage) {
  size_t argc = want;
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok || argc < want) {
    Throw(env, std::string(usage) + ": expected " + std::to_string(want) + " arguments");
    return false;
  }
  return true;
}

template <typename T>
struct Typed {
  T* data = nullptr;
  size_t length = 0;
};

inline bool TypedOf(napi_env env, napi_value v, napi_typedarray_type want, void** data, size_t* length) {
  bool is_ta = false;
  if (napi_is_typedarray(env, v, &is_ta) != napi_ok || !is_ta) return false;
  napi_typedarray_type type;
  napi_value ab;
  size_t offset;
  if (napi_get_typedarray_info(env, v, &type, length, data, &ab, &offset) != napi_ok) return false;
  return type == want;
}

// A Float32Array argument; throws naming `what` when it is something else.
inline bool F32(napi_env env, napi_value v, const char* what, Typed<float>* out) {
  void* d = nullptr;
  if (!TypedOf(env, v, napi_float32_array, &d, &out->length)) {
    Throw(env, std::string(what) + " must be a Float32Array");
    return false;
  }
  out->data = static_cast<float*>(d);
  return true;
}

inline bool I32(napi_env env, napi_value v, const char* what, Typed<int32_t>* out) {
  void* d = nullptr;
  if (!TypedOf(env, v, napi_int32_array, &d, &out->length)) {
    Throw(env, std::string(what) + " must be an Int32Array");
    return false;
  }
  out->data = static_cast<int32_t*>(d);
  return true;
}

inline bool U8(napi_env env, napi_value v, const char* what, Typed<uint8_t>* out) {
  void* d = nullptr;
  if (!TypedOf(env, v, napi_uint8_array, &d, &out->length)) {
    Throw(env, std::string(what) + " must be a Uint8Array");
    return false;
  }
  out->data = static_cast<uint8_t*>(d);
  return true;
}

inline bool Num(napi_env env, napi_value v, const char* what, double* out) {
  if (napi_get_value_double(env, v, out) != napi_ok) {
    Throw(env, std::string(what) + " must be a number");
    return false;
  }
  return true;
}

inline bool Str(napi_env env, napi_value v, std::string* out) {
  size_t len = 0;
  if (napi_get_value_string_utf8(env, v, nullptr, 0, &len) != napi_ok) return false;
  out->resize(len);
  std::string buf(len + 1, '\0');
  if (napi_get_value_string_utf8(env, v, &buf[0], len + 1, &len) != napi_ok) return false;
  *out = buf.substr(0, len);
  return true;
}

// Checks that `t` holds at least `n` elements.
template <typename T>
inline bool Fits(napi_env env, const Typed<T>& t, long n, const char* what) {
  if (n < 0 || t.length < static_cast<size_t>(n)) {
    Throw(env, std::string(what) + " is too small: " + std::to_string(t.length) + " < " + std::to_string(n));
    return false;
  }
  return true;
}

using Fn = napi_value (*)(napi_env, napi_callback_info);

// The functions each source file contributes (defined in gemm.cc, ops.cc and conv.cc).
void DefineGemm(napi_env env, napi_value exports);
void DefineConv(napi_env env, napi_value exports);
void DefineOps(napi_env env, napi_value exports);
void DefinePostOps(napi_env env, napi_value exports);
void DefineAttention(napi_env env, napi_value exports);

inline void Define(napi_env env, napi_value exports, const char* name, Fn fn) {
  napi_value f;
  if (napi_create_function(env, name, NAPI_AUTO_LENGTH, fn, nullptr, &f) == napi_ok) {
    napi_set_named_property(env, exports, name, f);
  }
}

}  // namespace ppma
