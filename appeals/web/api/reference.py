"""GET /api/v1/docs: the API reference as a page, rendered on the server from the same OpenAPI
document /api/v1/openapi.json serves (so the two cannot disagree). Plain HTML and the site's own
stylesheet: no script, no CDN, nothing outside the Content-Security-Policy.
"""

from __future__ import annotations

from flask import current_app, render_template

from . import api
from .openapi import Binary, build_document, document

METHOD_ORDER = ("get", "post", "put", "patch", "delete")


def schema_type(schema: dict) -> str:
    """A schema in a few words: a model's name (linked in the page), list of X, X or null."""
    if not isinstance(schema, dict) or not schema:  # JSON Schema allows `true`: anything
        return "any"
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    for key in ("anyOf", "oneOf"):
        if key in schema:
            return " or ".join(schema_type(option) for option in schema[key])
    kind = schema.get("type")
    if kind == "array":
        return f"list of {schema_type(schema.get('items') or {})}"
    if "enum" in schema:
        return "one of " + ", ".join(str(value) for value in schema["enum"])
    if "const" in schema:
        return repr(schema["const"])
    if kind == "object" and isinstance(schema.get("additionalProperties"), dict):
        return f"map of {schema_type(schema['additionalProperties'])}"
    if isinstance(kind, list):
        return " or ".join(kind)
    return (kind or "any") + (f" ({schema['format']})" if schema.get("format") else "")


def _operations(doc: dict) -> dict[str, list[dict]]:
    """Operations grouped by tag, each with its method, path and the parts the page shows."""
    groups: dict[str, list[dict]] = {}
    for path, methods in doc["paths"].items():
        for method in sorted(methods, key=lambda m: METHOD_ORDER.index(m)
                             if m in METHOD_ORDER else 99):
            item = methods[method]
            body = []
            for media, content in (item.get("requestBody") or {}).get("content", {}).items():
                body.append({"media": media, "type": schema_type(content.get("schema", {}))})
            responses = []
            for status, answer in item["responses"].items():
                content = answer.get("content") or {}
                types = [f"{schema_type(c.get('schema', {}))} ({media})"
                         if media != "application/json" else schema_type(c.get("schema", {}))
                         for media, c in content.items()]
                responses.append({"status": status, "description": answer["description"],
                                  "types": types})
            groups.setdefault(item["tags"][0], []).append({
                "id": item["operationId"], "method": method.upper(), "path": path,
                "summary": item["summary"], "public": item.get("security") == [],
                "parameters": [{**p, "type": schema_type(p.get("schema", {}))}
                               for p in item.get("parameters", [])],
                "body": body, "responses": responses,
            })
    return groups


def _schemas(doc: dict) -> list[dict]:
    found = []
    for name, schema in sorted(doc["components"]["schemas"].items()):
        required = set(schema.get("required", []))
        found.append({
            "name": name, "description": schema.get("description", ""),
            "type": None if "properties" in schema else schema_type(schema),
            "properties": [{"name": prop, "type": schema_type(spec), "required": prop in required,
                            "description": spec.get("description", "")}
                           for prop, spec in (schema.get("properties") or {}).items()],
        })
    return found


@api.get("/docs")
@document("This reference as a page (HTML, from this document)", tag="meta", public=True,
          responses={200: Binary("text/html", "The API reference.")})
def get_docs():
    doc = build_document(current_app)
    return render_template("api/reference.html", doc=doc, groups=_operations(doc),
                           schemas=_schemas(doc))
