import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import ajvModule, { type ValidateFunction } from 'ajv';
import ajvFormats from 'ajv-formats';
import { REPO_ROOT } from '../helpers.js';

type Json = Record<string, unknown>;

// ajv and ajv-formats are CommonJS: their default export is the module object under NodeNext.
const Ajv = (ajvModule as unknown as { default?: typeof ajvModule.default }).default ?? (ajvModule as unknown as typeof ajvModule.default);
const addFormats = ajvFormats.default ?? (ajvFormats as unknown as typeof ajvFormats.default);

interface Operation {
  method: string;
  template: string;
  pattern: RegExp;
  parameterNames: string[];
  operation: Json;
}

export interface ApiRequest {
  method: string;
  path: string;
  operationId: string;
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  headers: IncomingMessage['headers'];
}

export interface ApiResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /**
   * Why an answer the description leaves out is still GitHub's (the snapshot endpoint documents
   * only 201, yet answers 403 to a token without `contents: write`): said, it is no violation.
   */
  undocumentedBecause?: string;
}

export type Handler = (request: ApiRequest) => ApiResponse | undefined;

let specCache: { paths: Record<string, Record<string, Json>> } | undefined;
function loadSpec(): { paths: Record<string, Record<string, Json>> } {
  specCache ??= JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules/@octokit/openapi/generated/api.github.com.deref.json'), 'utf8')) as {
    paths: Record<string, Record<string, Json>>;
  };
  return specCache;
}

/**
 * GitHub's REST API on loopback, held to GitHub's own OpenAPI description (@octokit/openapi):
 * every request must match a documented method and path, carry only documented query
 * parameters and a body its schema accepts; every answer bulkhead gets is checked against the
 * documented response schema too. Anything else is a violation, which tests assert are none.
 */
/**
 * OpenAPI 3.0's `nullable` beside `anyOf` with no `type` (GitHub's snapshot metadata has one),
 * which ajv refuses to compile: said as JSON Schema, "this, or null".
 */
function withTypelessNullable(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withTypelessNullable);
  if (!schema || typeof schema !== 'object') return schema;
  const entries = Object.entries(schema as Record<string, unknown>).map(([k, v]) => [k, withTypelessNullable(v)] as const);
  const node = Object.fromEntries(entries) as Record<string, unknown>;
  if (node.nullable === true && node.type === undefined) {
    const { nullable: _nullable, ...rest } = node;
    return { anyOf: [rest, { type: 'null' }] };
  }
  return node;
}

export class GitHubApiServer {
  readonly requests: ApiRequest[] = [];
  readonly violations: string[] = [];
  private readonly operations: Operation[] = [];
  private readonly handlers = new Map<string, Handler>();
  private readonly ajv = new Ajv({ strict: false, allErrors: true });
  private readonly validators = new Map<string, ValidateFunction>();
  private server?: Server;
  url = '';

  constructor() {
    addFormats(this.ajv);
    for (const [template, item] of Object.entries(loadSpec().paths)) {
      for (const [method, operation] of Object.entries(item)) {
        if (typeof operation !== 'object' || !('operationId' in operation)) continue;
        const parameterNames: string[] = [];
        const pattern = new RegExp(
          `^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{([^}]+)\}/g, (_m, name: string) => {
            parameterNames.push(name);
            return '([^/]+)';
          })}$`,
        );
        this.operations.push({ method: method.toUpperCase(), template, pattern, parameterNames, operation });
      }
    }
  }

  /** Answers an operation (by GitHub's operationId, e.g. `issues/create-comment`). */
  on(operationId: string, handler: Handler): this {
    this.handlers.set(operationId, handler);
    return this;
  }

  /** A documented example response for an operation, to build realistic answers from. */
  example(operationId: string, status: string): Json {
    const op = this.operations.find((o) => o.operation.operationId === operationId);
    const content = ((op?.operation.responses as Json | undefined)?.[status] as Json | undefined)?.content as
      Record<string, Json> | undefined;
    const examples = content?.['application/json']?.examples as Record<string, { value: Json }> | undefined;
    const first = examples ? Object.values(examples)[0] : undefined;
    return structuredClone(first?.value ?? {});
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      void this.handle(req)
        // A fault of the test server itself is a violation and an answer, never a request left hanging.
        .catch((error: unknown) => {
          this.violations.push(`the test server failed on ${req.method ?? '?'} ${req.url ?? '?'}: ${String(error)}`);
          return { status: 500, body: { message: 'test server error' }, headers: {} };
        })
        .then(({ status, body, headers }) => {
          const text = body === undefined ? '' : JSON.stringify(body);
          res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
          res.end(text);
        });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  private validator(key: string, schema: unknown): ValidateFunction {
    const known = this.validators.get(key);
    if (known) return known;
    const validate = this.ajv.compile(withTypelessNullable(schema) as object);
    this.validators.set(key, validate);
    return validate;
  }

  private async handle(req: IncomingMessage): Promise<ApiResponse> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const method = req.method ?? 'GET';
    const op = this.operations.find((o) => o.method === method && o.pattern.test(url.pathname));
    if (!op) {
      this.violations.push(`${method} ${url.pathname} is not in GitHub's API description`);
      return { status: 404, body: { message: 'Not Found' } };
    }
    const operationId = String(op.operation.operationId);
    const values = op.pattern.exec(url.pathname)?.slice(1) ?? [];
    const params = Object.fromEntries(op.parameterNames.map((name, i) => [name, decodeURIComponent(values[i] ?? '')]));
    const declared = ((op.operation.parameters as Json[] | undefined) ?? []).filter((p) => p.in === 'query').map((p) => String(p.name));
    for (const name of url.searchParams.keys()) {
      if (!declared.includes(name)) this.violations.push(`${operationId}: query parameter ${name} is not documented`);
    }
    let body: unknown;
    if (text.length > 0) {
      try {
        body = JSON.parse(text);
      } catch {
        this.violations.push(`${operationId}: the body is not JSON`);
      }
    }
    const bodySchema = ((op.operation.requestBody as Json | undefined)?.content as Record<string, Json> | undefined)?.['application/json']
      ?.schema;
    if (bodySchema) {
      const validate = this.validator(`${operationId}:request`, bodySchema);
      if (!validate(body)) this.violations.push(`${operationId}: request body ${this.ajv.errorsText(validate.errors)}`);
    } else if (body !== undefined) {
      this.violations.push(`${operationId}: takes no body`);
    }
    const request: ApiRequest = { method, path: url.pathname, operationId, params, query: url.searchParams, body, headers: req.headers };
    this.requests.push(request);
    const handler = this.handlers.get(operationId);
    const response = handler?.(request);
    if (!response) {
      this.violations.push(`${operationId}: the test server has no answer for it`);
      return { status: 501, body: { message: 'not implemented here' } };
    }
    const documented = ((op.operation.responses as Json | undefined)?.[String(response.status)] as Json | undefined) ?? undefined;
    if (!documented && response.status < 500 && !response.undocumentedBecause)
      this.violations.push(`${operationId}: status ${response.status} is not a documented answer`);
    const responseSchema = (documented?.content as Record<string, Json> | undefined)?.['application/json']?.schema;
    if (responseSchema && response.body !== undefined) {
      const validate = this.validator(`${operationId}:${response.status}`, responseSchema);
      if (!validate(response.body))
        this.violations.push(`${operationId}: the test server's own ${response.status} answer ${this.ajv.errorsText(validate.errors)}`);
    }
    return response;
  }
}
