"""The read-only open-data API: parameters and errors (params), representations
(serializers), endpoints (views) and their OpenAPI 3.1 description (openapi)."""
