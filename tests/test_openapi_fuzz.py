"""schemathesis against the service's own OpenAPI document: generated requests, valid and not,
never get a server error, and every answer matches the document."""
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import negative_data_rejection, unsupported_method

from detector.settings import Settings
from service.app import create_app
from tests.fixture_model import FIXTURE_MODEL

# Left out on purpose: a batch entry that breaks the document schema fails alone, with its own error
# inside a 200 (one bad document never takes others down), so a request with such an entry is not
# "rejected"; and Flask answers HEAD and OPTIONS on every route, as HTTP expects.
BY_DESIGN = [negative_data_rejection, unsupported_method]
APP = create_app(Settings(model_path=str(FIXTURE_MODEL), max_documents=20, max_document_chars=5_000))
schema = schemathesis.openapi.from_wsgi("/openapi.json", APP)


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_route_keeps_to_its_document(case):
    case.call_and_validate(excluded_checks=BY_DESIGN)
