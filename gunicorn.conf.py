"""gunicorn's settings, read from the project root (`gunicorn 'app:create_app()'` loads this
file by default). The app checks the request line and headers against lower limits
(app/web/request_limits.py) and answers in the house error shape; these hard limits stay
above them so that gunicorn's plain 400 page is only for requests past both."""

from app.web.request_limits import (
    GUNICORN_HEADER_FIELD_SIZE,
    GUNICORN_HEADER_FIELDS,
    GUNICORN_REQUEST_LINE,
)

limit_request_line = GUNICORN_REQUEST_LINE
limit_request_fields = GUNICORN_HEADER_FIELDS
limit_request_field_size = GUNICORN_HEADER_FIELD_SIZE
