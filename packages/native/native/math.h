// Branch-free exp and erf that the compiler vectorises (no libm calls in the hot loops).
#pragma once

#include <cstdint>
#include <cstring>

namespace ppma {

// exp(x) by Cody-Waite range reduction x = n ln2 + r and a degree-6 polynomial: about 2 ulp.
static inline float FastExp(float x) {
  const float hi = 88.3762626647949f, lo = -87.3365478515625f;
  const bool under = x < lo;
  x = x > hi ? hi : (x < lo ? lo : x);
  // Round to nearest by the 1.5 * 2^23 trick: vectorises on every target (floorf needs SSE4.1).
  const float n = (x * 1.44269504088896341f + 12582912.f) - 12582912.f;
  float r = x - n * 0.693359375f;
  r = r - n * -2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.f;
  const float scale = __builtin_bit_cast(float, (static_cast<int32_t>(n) + 127) << 23);
  return under ? 0.f : p * scale;
}

// erf(x), Abramowitz & Stegun 7.1.26 (absolute error below 1.5e-7, as tfjs's own erf).
static inline float FastErf(float x) {
  const float ax = x < 0.f ? -x : x;
  const float t = 1.f / (1.f + 0.3275911f * ax);
  const float poly = ((((1.061405429f * t - 1.453152027f) * t + 1.421413741f) * t - 0.284496736f) * t + 0.254829592f) * t;
  const float y = 1.f - poly * FastExp(-ax * ax);
  return x < 0.f ? -y : y;
}

}  // namespace ppma
