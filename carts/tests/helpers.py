"""Helpers of the catalog and cart tests."""

import json


class JsonClient:
    """A test client speaking JSON bodies: `japi.post(url, {...})`."""

    def __init__(self, client):
        self.client = client

    def get(self, url, **kwargs):
        return self.client.get(url, **kwargs)

    def delete(self, url, **kwargs):
        return self.client.delete(url, **kwargs)

    def _send(self, method, url, body):
        return getattr(self.client, method)(url, data=json.dumps(body), content_type="application/json")

    def post(self, url, body=None):
        return self._send("post", url, body if body is not None else {})

    def put(self, url, body):
        return self._send("put", url, body)

    def patch(self, url, body):
        return self._send("patch", url, body)


def details(response) -> list[tuple[str, str]]:
    """(field, type) of each error detail."""
    return [(d["field"], d["type"]) for d in response.json().get("details", [])]
