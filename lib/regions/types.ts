/** AWS partitions the catalog covers. */
export type Partition = 'aws' | 'aws-cn';

/**
 * Families of SageMaker prebuilt inference images, each hosted in a per-region ECR
 * registry account.
 *
 * - `deep-learning`: AWS Deep Learning Containers (PyTorch, TensorFlow inference)
 * - `triton`: NVIDIA Triton Inference Server (`sagemaker-tritonserver`)
 * - `huggingface`: Hugging Face inference DLCs
 * - `sklearn`: SageMaker scikit-learn containers
 * - `xgboost`: SageMaker XGBoost containers
 */
export type ImageFamily = 'deep-learning' | 'triton' | 'huggingface' | 'sklearn' | 'xgboost';

/** All image families, in a stable order. */
export const IMAGE_FAMILIES: readonly ImageFamily[] = ['deep-learning', 'triton', 'huggingface', 'sklearn', 'xgboost'];

/** Facts about one AWS region. */
export interface RegionFacts {
  /** Region name, e.g. `ap-east-1`. */
  readonly name: string;
  /** Partition, `aws` or `aws-cn`. */
  readonly partition: Partition;
  /** DNS suffix of service endpoints, `amazonaws.com` or `amazonaws.com.cn`. */
  readonly domainSuffix: string;
  /** Whether an account must opt in before using the region (regions launched after 2019-03-20). */
  readonly optIn: boolean;
  /** ECR registry account of each SageMaker image family published in the region. */
  readonly imageAccounts: Readonly<Partial<Record<ImageFamily, string>>>;
}
