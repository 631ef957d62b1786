import { Stack, Token } from 'aws-cdk-lib';
import type * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { imageRegistryAccount, imageRepositoryName, regionFacts, type ImageFamily } from '../../lib/regions';
import { ErrorCode, fail, withPath } from './private/validate';

/** An image bound to a construct: its URI, and what the execution role needs to pull it. */
export interface BoundInferenceImage {
  /** The image URI for the model container. */
  readonly imageUri: string;
  /** The prebuilt family, for prebuilt images. */
  readonly family?: ImageFamily;
}

/**
 * The container image of a SageMaker model: a SageMaker prebuilt image of the stack's
 * region (the registry account comes from the region catalog, so a family not published in
 * that region is a synth-time error), an ECR repository of yours, or any image URI.
 */
export abstract class InferenceImage {
  /** NVIDIA Triton Inference Server (serves ONNX, TensorRT, PyTorch, …), e.g. `triton('24.09')`. */
  public static triton(version: string): InferenceImage {
    return new PrebuiltImage('triton', `${version}-py3`, 'triton', version);
  }

  /** SageMaker scikit-learn, e.g. `sklearn('1.2-1')`. */
  public static sklearn(version: string): InferenceImage {
    return new PrebuiltImage('sklearn', `${version}-cpu-py3`, 'sklearn', version);
  }

  /**
   * AWS Deep Learning Container for PyTorch inference, by its full tag, e.g.
   * `pytorch('2.3.0-cpu-py311')`.
   */
  public static pytorch(tag: string): InferenceImage {
    return new PrebuiltImage('deep-learning', tag, 'pytorch', tag);
  }

  /** An image in one of your ECR repositories; the execution role may pull from it. */
  public static fromEcrRepository(repository: ecr.IRepository, tag = 'latest'): InferenceImage {
    return new RepositoryImage(repository, tag);
  }

  /**
   * Any image URI. The role gets no pull permission from this: grant it yourself when the
   * registry is private. The residency checker places the image by its registry host.
   */
  public static fromImageUri(uri: string): InferenceImage {
    return new UriImage(uri);
  }

  /** Resolves the image for `scope`'s stack and lets `role` pull it. */
  public abstract bind(scope: Construct, role: iam.IGrantable): BoundInferenceImage;
}

class PrebuiltImage extends InferenceImage {
  public constructor(private readonly family: ImageFamily, private readonly tag: string, private readonly label: string, private readonly version: string) {
    super();
  }

  public bind(scope: Construct, role: iam.IGrantable): BoundInferenceImage {
    const stack = Stack.of(scope);
    if (Token.isUnresolved(stack.region)) {
      fail(scope, ErrorCode.REGION_UNRESOLVED,
        `InferenceImage.${this.label}('${this.version}') needs a stack with a concrete region (the image registry account differs per region); give the stack env.region`);
    }
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(this.tag)) {
      fail(scope, ErrorCode.INVALID_PROPS, `image version ${JSON.stringify(this.version)} does not make a valid image tag`);
    }
    const account = withPath(scope, () => imageRegistryAccount(stack.region, this.family));
    const repository = imageRepositoryName(this.family);
    const suffix = regionFacts(stack.region).domainSuffix;
    const repositoryArn = stack.formatArn({ service: 'ecr', account, resource: 'repository', resourceName: repository });
    grantPull(role, repositoryArn);
    return { imageUri: `${account}.dkr.ecr.${stack.region}.${suffix}/${repository}:${this.tag}`, family: this.family };
  }
}

class RepositoryImage extends InferenceImage {
  public constructor(private readonly repository: ecr.IRepository, private readonly tag: string) {
    super();
  }

  public bind(_scope: Construct, role: iam.IGrantable): BoundInferenceImage {
    this.repository.grantPull(role);
    return { imageUri: this.repository.repositoryUriForTag(this.tag) };
  }
}

class UriImage extends InferenceImage {
  public constructor(private readonly uri: string) {
    super();
  }

  public bind(): BoundInferenceImage {
    return { imageUri: this.uri };
  }
}

/**
 * Pull from one repository. `ecr:GetAuthorizationToken` has no resource-level permissions,
 * so it is the one statement on `*`.
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticcontainerregistry.html
 */
function grantPull(role: iam.IGrantable, repositoryArn: string): void {
  iam.Grant.addToPrincipal({ grantee: role, actions: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'], resourceArns: [repositoryArn] });
  iam.Grant.addToPrincipal({ grantee: role, actions: ['ecr:GetAuthorizationToken'], resourceArns: ['*'] });
}
