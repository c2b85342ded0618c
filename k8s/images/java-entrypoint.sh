#!/bin/sh
# Entry point of the ctrflow JVM images (model-server, label-queue): the same settings as
# bin/ctrflow (../shared/STACK.md), then exec, so the JVM is PID 1's child-free replacement
# and gets SIGTERM directly from Kubernetes.
#   - bin/jvm.options, copied into the image: DJL offline, PyTorch threads, add-opens;
#   - jemalloc preloaded (native memory churn dominates DJL speed), OpenMP threads passive;
#   - heap as a share of the container's memory limit, the rest for native tensors.
set -eu
for lib in /usr/lib/x86_64-linux-gnu/libjemalloc.so.2 /usr/lib/aarch64-linux-gnu/libjemalloc.so.2; do
  if [ -z "${LD_PRELOAD:-}" ] && [ -f "$lib" ]; then export LD_PRELOAD="$lib"; fi
done
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
export DJL_CACHE_DIR="${DJL_CACHE_DIR:-/var/cache/djl}"
exec java @/opt/ctrflow/jvm.options -XX:MaxRAMPercentage="${CTRFLOW_HEAP_PERCENT:-50}" \
  ${CTRFLOW_JAVA_OPTS:-} -cp "/opt/ctrflow/lib/*" "$CTRFLOW_MAIN" "$@"
