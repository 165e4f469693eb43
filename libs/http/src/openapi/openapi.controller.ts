import { Controller, Get, Inject, type Type } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { ApiDoc } from './api-doc';
import { buildOpenApiDocument, type OpenApiOptions } from './openapi-document';

/**
 * `GET /openapi.json` for an app: its OpenAPI 3.1 document, built once from the app's own controllers
 * on first request (when every module is loaded).
 */
export function createOpenApiController(options: OpenApiOptions): Type {
  @Controller()
  class OpenApiController {
    private document?: Record<string, unknown>;

    constructor(@Inject(ModulesContainer) private readonly modules: ModulesContainer) {}

    @Get('openapi.json')
    @ApiDoc({ summary: 'This API’s OpenAPI 3.1 document', public: true })
    get(): Record<string, unknown> {
      this.document ??= buildOpenApiDocument(this.controllers(), options);
      return this.document;
    }

    private controllers(): Type[] {
      const found = new Set<Type>();
      for (const module of this.modules.values())
        for (const wrapper of module.controllers.values()) found.add(wrapper.metatype as Type);
      return [...found];
    }
  }
  return OpenApiController;
}
