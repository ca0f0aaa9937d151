"""Render a template in a throw-away process: `python -m appeals.letter_templates.isolated`.

Reads {"docx": base64, "contexts": [letter context, ...]} as JSON on stdin and writes
[{"ok", "error", "docx" (base64), "text"}, ...] on stdout. The parent (preview.py) starts it with
a hard wall-clock timeout and memory/CPU limits, so a hostile template that slips past the
sandbox's own budget still cannot hang or exhaust the web or worker process that asked.
"""

from __future__ import annotations

import base64
import json
import sys


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
        try:
            data = template.render(context)
        except TemplateError as exc:
            results.append({"ok": False, "error": str(exc)})
            continue
        except MemoryError:
            results.append({"ok": False, "error": "rendering needed too much memory"})
            continue
        results.append({"ok": True, "docx": base64.b64encode(data).decode(),
                        "text": docx_text(data)})
    json.dump(results, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
