import { status } from '@grpc/grpc-js';

/** An error the emulator answers with a gRPC status, as the service would. */
export class ApiError extends Error {
  constructor(
    readonly code: status,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  static invalidArgument(message: string): ApiError {
    return new ApiError(status.INVALID_ARGUMENT, message);
  }

  static notFound(what: string, name: string): ApiError {
    return new ApiError(status.NOT_FOUND, `${what} not found (resource=${name})`);
  }

  static alreadyExists(what: string, name: string): ApiError {
    return new ApiError(status.ALREADY_EXISTS, `${what} already exists (resource=${name})`);
  }

  static unimplemented(what: string): ApiError {
    return new ApiError(status.UNIMPLEMENTED, `${what} is not supported by the tidemark Pub/Sub emulator`);
  }
}
