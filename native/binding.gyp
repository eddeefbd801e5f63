{
  "targets": [
    {
      "target_name": "uservm_kernels",
      "sources": ["src/conv_kernels.cc"],
      "cflags_cc": ["-O3", "-std=c++17"],
      "libraries": ["-lopenblas"]
    }
  ]
}
