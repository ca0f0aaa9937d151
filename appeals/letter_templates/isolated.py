"""Render a template in a throw-away process: `python -m appeals.letter_templates.isolated`.

Reads {"docx": base64, "contexts": [letter context, ...], "seconds": stop each render after
this (optional)} as JSON on stdin and writes [{"ok", "error", "docx" (base64), "text",
"seconds": how long the render took}, ...] on stdout. The parent (preview.py) starts it with
a hard wall-clock timeout and memory/CPU limits, so a hostile template that slips past the
sandbox's own budget still cannot hang or exhaust the web or worker process that asked.
"""

from __future__ import annotations

import base64
import json
import sys
import time


def main() -> int:
    request = json.load(sys.stdin)
    from appeals.letters import PreparedTemplate, TemplateError
    from appeals.letters.text import docx_text

    results = []
    try:
        template = PreparedTemplate.from_bytes(base64.b64decode(request["docx"]))
    except TemplateError as exc:
        results = [{"ok": False, "error": str(exc)} for _ in request["contexts"]]
        json.dump(results, sys.stdout)
        return 0
    for context in request["contexts"]:
        started = time.perf_counter()
        try:
            data = template.render(context, seconds=request.get("seconds"))
        except TemplateError as exc:
            results.append({"ok": False, "error": str(exc),
                            "seconds": time.perf_counter() - started})
            continue
        except MemoryError:
            results.append({"ok": False, "error": "rendering needed too much memory"})
            continue
        seconds = time.perf_counter() - started
        results.append({"ok": True, "docx": base64.b64encode(data).decode(),
                        "text": docx_text(data), "seconds": seconds})
    json.dump(results, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
