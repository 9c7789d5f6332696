"""Read OpenAPI 3.0/3.1 and Swagger 2.0 specs: a fast index for the tree, details on demand.

    doc = open_spec("petstore.yaml")          # SpecError (one line) when it cannot be used
    doc.operations                            # list[Operation], paths + webhooks + callbacks
    doc.detail(op)                            # OperationDetail, refs resolved, cached
    doc.build_request(op, as_variables=True)  # collection.model.Request
    validate_spec(doc)                        # list[str] warnings (slow: run it in the background)
"""

from __future__ import annotations

from tui_api.core.spec.document import SpecDocument, open_spec
from tui_api.core.spec.validate import validate_spec  # imports the validator only when called
from tui_api.core.spec.model import (
    Operation,
    OperationDetail,
    Parameter,
    RequestBodyInfo,
    Server,
    ServerVariable,
)

__all__ = [
    "Operation",
    "OperationDetail",
    "Parameter",
    "RequestBodyInfo",
    "Server",
    "ServerVariable",
    "SpecDocument",
    "open_spec",
    "validate_spec",
]
