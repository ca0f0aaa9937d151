"""GET /api/v1/me: who the token belongs to (lets a script check its token)."""

from flask import g, jsonify

from . import api
from .openapi import document
from .schemas import Me


@api.get("/me")
@document("Who the token belongs to", tag="account", responses={200: Me})
def me():
    user = g.api_user
    return jsonify({"email": user.email, "organization_id": user.organization_id, "role": user.role})
