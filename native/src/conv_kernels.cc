// Native float32 kernels for the tfjs wasm backend: convolutions (forward, filter gradient, input
// gradient) and matrix products, computed by OpenBLAS's sgemm on tensors that live in the wasm
// heap. Why: XNNPACK compiled to wasm SIMD reaches ~6.7 GMAC/s on this project's CAE shapes and
// has no training kernels; OpenBLAS on the same core reaches 35-43 GMAC/s (bench/train).
//
// Every function takes the wasm heap (an ArrayBuffer) and one Uint32Array of arguments: byte
// offsets of the tensors in the heap followed by their geometry. Offsets and sizes are checked
// against the heap before anything is read or written, so a wrong call throws instead of
// corrupting memory. Layout is NHWC for images and [kh, kw, ci, co] for filters (tfjs's).
// Rows are processed in blocks so the im2col scratch stays small (and in cache) at any batch size.
#include <node_api.h>
#include <cblas.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace {

constexpr uint32_t kNone = 0xFFFFFFFFu;  // "no tensor" (e.g. no bias)
constexpr size_t kBlockFloats = 1 << 16;  // im2col scratch per block: 256 KiB

struct Heap {
  uint8_t* base = nullptr;
  size_t size = 0;
  float* at(uint32_t offset) const { return reinterpret_cast<float*>(base + offset); }
};

struct Call {
  napi_env env;
  Heap heap;
  const uint32_t* args = nullptr;
  std::string error;

  bool region(uint32_t offset, uint64_t floats, const char* what) {
    if (offset == kNone) return true;
    if (offset % 4 != 0 || offset + floats * 4 > heap.size) {
      error = std::string("tensor out of the wasm heap: ") + what;
      return false;
    }
    return true;
  }
};

bool ReadCall(napi_env env, napi_callback_info info, size_t expected, Call* call) {
  size_t argc = 2;
  napi_value argv[2];
  call->env = env;
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok || argc != 2) {
    call->error = "expected (heap: ArrayBuffer, args: Uint32Array)";
    return false;
  }
  void* data = nullptr;
  if (napi_get_arraybuffer_info(env, argv[0], &data, &call->heap.size) != napi_ok) {
    call->error = "heap must be an ArrayBuffer";
    return false;
  }
  call->heap.base = static_cast<uint8_t*>(data);
  napi_typedarray_type type;
  size_t length = 0;
  void* args = nullptr;
  if (napi_get_typedarray_info(env, argv[1], &type, &length, &args, nullptr, nullptr) != napi_ok ||
      type != napi_uint32_array || length != expected) {
    call->error = "args must be a Uint32Array of " + std::to_string(expected) + " values";
    return false;
  }
  call->args = static_cast<const uint32_t*>(args);
  return true;
}

napi_value Fail(const Call& call) {
  napi_throw_error(call.env, "UVM_NATIVE_KERNEL", call.error.c_str());
  return nullptr;
}

std::vector<float>& Scratch() {
  thread_local std::vector<float> scratch;
  return scratch;
}

// Convolution geometry: input n x h x w x ci, output n x oh x ow x co, kernel kh x kw, strides
// and the padding before the first row/column (tfjs's padInfo.top/left). Dilation is 1.
struct Geometry {
  uint32_t n, h, w, ci, oh, ow, co, kh, kw, sh, sw, top, left;
  uint64_t rows() const { return uint64_t(n) * oh * ow; }
  uint64_t k() const { return uint64_t(kh) * kw * ci; }
  uint64_t inFloats() const { return uint64_t(n) * h * w * ci; }
  uint64_t outFloats() const { return rows() * co; }
  uint64_t blockRows() const { return std::max<uint64_t>(1, std::min<uint64_t>(rows(), kBlockFloats / k())); }
};

Geometry ReadGeometry(const uint32_t* a) {
  return Geometry{a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12]};
}

// A convolution call: `tensors` leading arguments (offsets, flags), then the 13 geometry values.
bool ReadConvCall(napi_env env, napi_callback_info info, size_t tensors, Call* call, Geometry* g) {
  if (!ReadCall(env, info, tensors + 13, call)) return false;
  *g = ReadGeometry(call->args + tensors);
  if (g->n == 0 || g->h == 0 || g->w == 0 || g->ci == 0 || g->oh == 0 || g->ow == 0 || g->co == 0 ||
      g->kh == 0 || g->kw == 0 || g->sh == 0 || g->sw == 0) {
    call->error = "convolution geometry has a zero dimension";
    return false;
  }
  return true;
}

// Visits the taps of output rows [r0, r0 + count): fn(row in block, tap column, whether the tap is
// inside the image, offset of its input pixel (meaningless when it falls in the padding)).
template <typename Fn>
void ForEachTap(const Geometry& g, uint64_t r0, uint64_t count, Fn fn) {
  for (uint64_t i = 0; i < count; i++) {
    const uint64_t r = r0 + i;
    const uint64_t ox = r % g.ow, oy = (r / g.ow) % g.oh, b = r / (uint64_t(g.ow) * g.oh);
    for (uint32_t ky = 0; ky < g.kh; ky++) {
      const int64_t iy = int64_t(oy * g.sh + ky) - g.top;
      for (uint32_t kx = 0; kx < g.kw; kx++) {
        const int64_t ix = int64_t(ox * g.sw + kx) - g.left;
        const bool inside = iy >= 0 && iy < g.h && ix >= 0 && ix < g.w;
        const uint64_t pixel = inside ? ((b * g.h + iy) * g.w + ix) * g.ci : kNone;
        fn(i, (uint64_t(ky) * g.kw + kx) * g.ci, inside, pixel);
      }
    }
  }
}

void Im2Col(const Geometry& g, const float* x, uint64_t r0, uint64_t count, float* cols) {
  const uint64_t k = g.k();
  ForEachTap(g, r0, count, [&](uint64_t i, uint64_t col, bool inside, uint64_t pixel) {
    float* dst = cols + i * k + col;
    if (inside) std::memcpy(dst, x + pixel, g.ci * sizeof(float));
    else std::memset(dst, 0, g.ci * sizeof(float));
  });
}

void Col2ImAdd(const Geometry& g, const float* cols, uint64_t r0, uint64_t count, float* dx) {
  const uint64_t k = g.k();
  ForEachTap(g, r0, count, [&](uint64_t i, uint64_t col, bool inside, uint64_t pixel) {
    if (!inside) return;
    const float* src = cols + i * k + col;
    float* dst = dx + pixel;
    for (uint32_t c = 0; c < g.ci; c++) dst[c] += src[c];
  });
}

// Runs fn(first row, row count, scratch) over the output rows in blocks, with an im2col scratch of
// block x k floats that stays in cache and is reused by every call on this thread.
template <typename Fn>
void ForEachRowBlock(const Geometry& g, Fn fn) {
  const uint64_t rows = g.rows(), block = g.blockRows();
  std::vector<float>& cols = Scratch();
  cols.resize(block * g.k());
  for (uint64_t r0 = 0; r0 < rows; r0 += block) fn(r0, std::min(block, rows - r0), cols.data());
}

void BiasActivation(float* out, uint64_t rows, uint32_t cols, const float* bias, uint32_t relu) {
  for (uint64_t r = 0; r < rows; r++) {
    float* row = out + r * cols;
    if (bias)
      for (uint32_t c = 0; c < cols; c++) row[c] += bias[c];
    if (relu)
      for (uint32_t c = 0; c < cols; c++) row[c] = row[c] > 0.0f ? row[c] : 0.0f;
  }
}

// conv2d(heap, [x, filter, bias|NONE, out, relu, ...geometry(13)])
napi_value Conv2d(napi_env env, napi_callback_info info) {
  Call call;
  Geometry g;
  if (!ReadConvCall(env, info, 5, &call, &g)) return Fail(call);
  const uint32_t* a = call.args;
  if (!call.region(a[0], g.inFloats(), "x") ||
      !call.region(a[1], g.k() * g.co, "filter") || !call.region(a[2], g.co, "bias") ||
      !call.region(a[3], g.outFloats(), "output"))
    return Fail(call);
  const float* x = call.heap.at(a[0]);
  const float* filter = call.heap.at(a[1]);
  const float* bias = a[2] == kNone ? nullptr : call.heap.at(a[2]);
  float* out = call.heap.at(a[3]);
  const uint64_t k = g.k();
  ForEachRowBlock(g, [&](uint64_t r0, uint64_t count, float* cols) {
    Im2Col(g, x, r0, count, cols);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, count, g.co, k, 1.0f, cols, k, filter, g.co,
                0.0f, out + r0 * g.co, g.co);
    BiasActivation(out + r0 * g.co, count, g.co, bias, a[4]);
  });
  return nullptr;
}

// conv2dBackpropFilter(heap, [x, dy, dw, ...geometry(13)]): dw[k, co] = im2col(x)^T dy
napi_value Conv2dBackpropFilter(napi_env env, napi_callback_info info) {
  Call call;
  Geometry g;
  if (!ReadConvCall(env, info, 3, &call, &g)) return Fail(call);
  const uint32_t* a = call.args;
  if (!call.region(a[0], g.inFloats(), "x") ||
      !call.region(a[1], g.outFloats(), "dy") || !call.region(a[2], g.k() * g.co, "dw"))
    return Fail(call);
  const float* x = call.heap.at(a[0]);
  const float* dy = call.heap.at(a[1]);
  float* dw = call.heap.at(a[2]);
  const uint64_t k = g.k();
  ForEachRowBlock(g, [&](uint64_t r0, uint64_t count, float* cols) {
    Im2Col(g, x, r0, count, cols);
    // The first block overwrites dw, the others add to it.
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, k, g.co, count, 1.0f, cols, k, dy + r0 * g.co,
                g.co, r0 == 0 ? 0.0f : 1.0f, dw, g.co);
  });
  return nullptr;
}

// conv2dBackpropInput(heap, [dy, filter, dx, ...geometry(13)]): dx = col2im(dy filter^T)
napi_value Conv2dBackpropInput(napi_env env, napi_callback_info info) {
  Call call;
  Geometry g;
  if (!ReadConvCall(env, info, 3, &call, &g)) return Fail(call);
  const uint32_t* a = call.args;
  if (!call.region(a[0], g.outFloats(), "dy") ||
      !call.region(a[1], g.k() * g.co, "filter") || !call.region(a[2], g.inFloats(), "dx"))
    return Fail(call);
  const float* dy = call.heap.at(a[0]);
  const float* filter = call.heap.at(a[1]);
  float* dx = call.heap.at(a[2]);
  std::memset(dx, 0, g.inFloats() * sizeof(float));
  const uint64_t k = g.k();
  ForEachRowBlock(g, [&](uint64_t r0, uint64_t count, float* cols) {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, count, k, g.co, 1.0f, dy + r0 * g.co, g.co,
                filter, g.co, 0.0f, cols, k);
    Col2ImAdd(g, cols, r0, count, dx);
  });
  return nullptr;
}

// matMul(heap, [a, b, bias|NONE, out, batchA, batchB, m, n, k, transposeA, transposeB, relu])
// out[i] = op(a[i % batchA]) op(b[i % batchB]) (+ bias[n]), i < max(batchA, batchB).
napi_value MatMul(napi_env env, napi_callback_info info) {
  Call call;
  if (!ReadCall(env, info, 12, &call)) return Fail(call);
  const uint32_t* p = call.args;
  const uint32_t batchA = p[4], batchB = p[5], m = p[6], n = p[7], k = p[8];
  const bool ta = p[9] != 0, tb = p[10] != 0;
  const uint32_t batch = std::max(batchA, batchB);
  if (batchA == 0 || batchB == 0 || m == 0 || n == 0 || k == 0 ||
      (batchA != batch && batchA != 1) || (batchB != batch && batchB != 1)) {
    call.error = "matMul shapes are empty or do not broadcast";
    return Fail(call);
  }
  const uint64_t aSize = uint64_t(m) * k, bSize = uint64_t(k) * n, outSize = uint64_t(m) * n;
  if (!call.region(p[0], aSize * batchA, "a") || !call.region(p[1], bSize * batchB, "b") ||
      !call.region(p[2], n, "bias") || !call.region(p[3], outSize * batch, "output"))
    return Fail(call);
  const float* bias = p[2] == kNone ? nullptr : call.heap.at(p[2]);
  for (uint32_t i = 0; i < batch; i++) {
    const float* a = call.heap.at(p[0]) + (batchA == 1 ? 0 : i * aSize);
    const float* b = call.heap.at(p[1]) + (batchB == 1 ? 0 : i * bSize);
    float* out = call.heap.at(p[3]) + i * outSize;
    cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, m, n, k,
                1.0f, a, ta ? m : k, b, tb ? k : n, 0.0f, out, n);
    BiasActivation(out, m, n, bias, p[11]);
  }
  return nullptr;
}

void Export(napi_env env, napi_value exports, const char* name, napi_callback fn) {
  napi_value f;
  napi_create_function(env, name, NAPI_AUTO_LENGTH, fn, nullptr, &f);
  napi_set_named_property(env, exports, name, f);
}

}  // namespace

NAPI_MODULE_INIT() {
  // Parallelism comes from one model replica per worker thread; BLAS threads on top of that
  // oversubscribe the cores (and are slower than one thread on these small products anyway).
  openblas_set_num_threads(1);
  Export(env, exports, "conv2d", Conv2d);
  Export(env, exports, "conv2dBackpropFilter", Conv2dBackpropFilter);
  Export(env, exports, "conv2dBackpropInput", Conv2dBackpropInput);
  Export(env, exports, "matMul", MatMul);
  napi_value config;
  napi_create_string_utf8(env, openblas_get_config(), NAPI_AUTO_LENGTH, &config);
  napi_set_named_property(env, exports, "blas", config);
  return exports;
}
