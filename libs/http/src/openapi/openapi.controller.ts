import { Controller, Get, Header, Inject, type Type } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { ApiDoc } from './api-doc';
import { renderDocsPage } from './docs-page';
import { buildOpenApiDocument, type OpenApiOptions } from './openapi-document';

/**
 * `GET /openapi.json` for an app: its OpenAPI 3.1 document, built once from the app's own controllers
 * on first request (when every module is loaded); `GET /docs`: the same as a page to read.
 */
export function createOpenApiController(options: OpenApiOptions): Type {
  @Controller()
  class OpenApiController {
    private document?: Record<string, unknown>;
    private docsPage?: string;

    constructor(@Inject(ModulesContainer) private readonly modules: ModulesContainer) {}

    @Get('openapi.json')
    @ApiDoc({ summary: 'This API’s OpenAPI 3.1 document', public: true })
    get(): Record<string, unknown> {
      this.document ??= buildOpenApiDocument(this.controllers(), options);
      return this.document;
    }

    @Get('docs')
    @Header('Content-Type', 'text/html; charset=utf-8')
    @Header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'")
    @ApiDoc({ summary: 'This API’s reference, as a page to read', public: true })
    page(): string {
      this.docsPage ??= renderDocsPage(this.get());
      return this.docsPage;
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
