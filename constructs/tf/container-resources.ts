/**
 * CPU and memory of a container, in Kubernetes quantities (`500m`, `2`, `512Mi`, `1Gi`).
 * Requests are what the scheduler reserves; limits are what the container may use
 * (CPU above the limit is throttled, memory above it kills the container).
 */
export interface ContainerResources {
  /**
   * CPU reserved per pod.
   * @default - `500m` for the inference service, `250m` for the drift job
   */
  readonly cpuRequest?: string;
  /**
   * CPU limit per pod.
   * @default - `2` for the inference service, `1` for the drift job
   */
  readonly cpuLimit?: string;
  /**
   * Memory reserved per pod.
   * @default - `512Mi` for the inference service, `512Mi` for the drift job
   */
  readonly memoryRequest?: string;
  /**
   * Memory limit per pod.
   * @default - `1Gi` for both
   */
  readonly memoryLimit?: string;
}
