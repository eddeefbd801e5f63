import type { DescMessage, DescMethod, DescMethodUnary, DescService, MessageShape } from '@bufbuild/protobuf';
import type { ContextValues, HandlerContext, UnaryRequest, UnaryResponse } from '@connectrpc/connect';
import type { UnaryCallState } from './unary-call-state.js';

/*
 * The objects the fast path hands to interceptors and handlers for each call. They are classes
 * with their getters on the prototype, and must stay so: an object literal with a getter
 * (`{ get signal() { ... } }`) gets a hidden class of its own in V8's old space every time it is
 * evaluated, and that old-space object keeps the literal's closures, and through them the whole
 * call (stream, buffers, messages), alive through scavenges until the next mark-compact. With
 * three such literals per heartbeat, ~2.3 MB survived every scavenge at 2,000 calls/s, the
 * scavenges took 5 ms instead of 2 and the promoted garbage brought a mark-compact every few
 * seconds: the GC pauses behind bench/edge-api's p99 (docs/BENCHMARKS.md, bench/edge-api).
 */

/** What a unary handler sees as its context. */
export class UnaryHandlerContext implements HandlerContext {
  readonly protocolName = 'grpc';
  readonly requestMethod = 'POST';

  constructor(
    readonly service: DescService,
    readonly method: DescMethod,
    readonly url: string,
    readonly values: ContextValues,
    private readonly state: UnaryCallState,
    private readonly deadline: number | undefined,
  ) {}

  get signal(): AbortSignal {
    return this.state.signal;
  }

  // A property, not a method: HandlerContext callers may call it detached from the context.
  readonly timeoutMs = (): number | undefined =>
    this.deadline === undefined ? undefined : this.deadline - Date.now();

  get requestHeader(): Headers {
    return this.state.requestHeader;
  }

  get responseHeader(): Headers {
    return this.state.responseHeader;
  }

  get responseTrailer(): Headers {
    return this.state.responseTrailer;
  }
}

/** The request interceptors see; `handlerContext` carries the context on to the handler. */
export class FastUnaryRequest<
  I extends DescMessage = DescMessage,
  O extends DescMessage = DescMessage,
> implements UnaryRequest<I, O> {
  readonly stream = false;
  readonly requestMethod = 'POST';

  constructor(
    readonly service: DescService,
    readonly method: DescMethodUnary<I, O>,
    readonly url: string,
    readonly message: MessageShape<I>,
    readonly handlerContext: UnaryHandlerContext,
  ) {}

  get contextValues(): ContextValues {
    return this.handlerContext.values;
  }

  get signal(): AbortSignal {
    return this.handlerContext.signal;
  }

  get header(): Headers {
    return this.handlerContext.requestHeader;
  }
}

/** The response interceptors see; its header and trailer are the ones the handler wrote. */
export class FastUnaryResponse<
  I extends DescMessage = DescMessage,
  O extends DescMessage = DescMessage,
> implements UnaryResponse<I, O> {
  readonly stream = false;

  constructor(
    readonly service: DescService,
    readonly method: DescMethodUnary<I, O>,
    readonly message: MessageShape<O>,
    private readonly context: HandlerContext,
  ) {}

  get header(): Headers {
    return this.context.responseHeader;
  }

  get trailer(): Headers {
    return this.context.responseTrailer;
  }
}
