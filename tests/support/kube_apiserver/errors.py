"""API errors as metav1 Status objects, as the real server answers them."""

import json


class ApiError(Exception):
    def __init__(self, code, reason, message, details=None):
        super().__init__(message)
        self.code = code
        self.reason = reason
        self.message = message
        self.details = details

    def status(self):
        return status_object(self.code, self.reason, self.message, self.details)


def status_object(code, reason, message, details=None):
    status = {"kind": "Status", "apiVersion": "v1", "metadata": {},
              "status": "Failure", "message": message, "reason": reason,
              "code": code}
    if details:
        status["details"] = details
    return status


def status_json(code, reason, message, details=None):
    return json.dumps(status_object(code, reason, message, details)).encode()


def not_found(plural, name):
    return ApiError(404, "NotFound", f'{plural} "{name}" not found',
                    {"name": name, "kind": plural})


def expired(message):
    return ApiError(410, "Expired", message)
