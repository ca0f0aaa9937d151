"""POST /api/v1/documents: denial letters and records read, field by field, each value with the
text it came from. Nothing is stored: the caller checks the fields and sends the case to
/api/v1/match or /api/v1/appeals. Each file is read in a limited child process
(appeals.services.documents); a refused file is listed with its reason and the others are read.
"""

from __future__ import annotations

from flask import jsonify, request

from ...services import documents as document_service
from . import api
from .bodies import json_error
from .openapi import document
from .schemas import DocumentsReading, DocumentsUpload


@api.post("/documents")
@document("Read denial letters and records from files (nothing is stored)", tag="documents",
          form=DocumentsUpload,
          responses={200: DocumentsReading,
                     400: "No file was sent, or more than DOCUMENT_MAX_FILES.",
                     422: "No file could be read: `errors` says why for each."})
def read_documents():
    uploads = request.files.getlist("file")
    try:
        reading = document_service.read_uploads([(upload.filename, upload.read())
                                                 for upload in uploads])
    except document_service.UploadError as error:
        return json_error(400, str(error), errors=[{"field": "file", "message": str(error)}])
    data = reading.to_json()
    if all(item["error"] for item in data["documents"]):
        return json_error(422, "no file could be read",
                          errors=[{"field": "file", "message": item["error"]}
                                  for item in data["documents"]])
    return jsonify(data)
