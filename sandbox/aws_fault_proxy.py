#!/usr/bin/env python3
"""A small HTTP proxy in front of the AWS emulator (moto), for tests.

It forwards every request unchanged (the Host header too, so SigV4 signatures still verify
upstream) and returns the answer unchanged, except where a test asked otherwise:

* ``expiresAt``: ECR ``GetAuthorizationToken`` answers carry a realistic expiry (moto always
  says 2015) - a fixed instant, or "now + N seconds" at the time of the answer;
* faults, matched by service and action: ``throttle``, ``server-error`` (HTTP 500),
  ``unavailable`` (HTTP 503), ``access-denied``, ``slow`` (delay, then forward) and ``drop``
  (close the connection without an answer); each for a number of requests or until cleared.
  Errors are in the wire format of the service (JSON 1.1 for ECR, query XML for STS).

It also counts what it received, by ``service:Action`` and by access key id.

Tokens that expire, as ECR's do: with a realistic expiry set, each ``GetAuthorizationToken``
answer carries a password of its own, and the registry front (``--registry-port``, in front of the
sandbox's registry) accepts it only until that answer's ``expiresAt``. The front forwards what it
accepts to the registry with the registry's own credentials and answers 401 to anything else, as
ECR does to an expired token. The registry's fixed password (moto's own token) stays accepted.

ECR Public, which moto does not have: ``SpencerFrontendService.GetAuthorizationToken`` (the
ecr-public JSON 1.1 protocol, signed for ``ecr-public`` in us-east-1) is answered here. Its SigV4
signature is checked as AWS checks it, against the secret keys that moto's IAM and STS handed out
through this proxy (CreateAccessKey, AssumeRole*, seen as they pass) and the session token that
goes with temporary ones; an unknown key, a wrong signature or a stale date is refused with the
error AWS gives. A token it hands out is valid 12 hours (or what ``token-expiry`` says) and is
accepted only by the ECR Public front (``--public-registry-port``): the registry as
``public.ecr.aws``, which refuses private ECR tokens, as the private front refuses public ones.
IAM policies are not evaluated for this call (moto cannot be asked): any signed-in caller gets a
token.

Control API (JSON), under ``/__sandbox/``:
  GET    /__sandbox/requests              counts received so far, and the last requests with their
                                          non-secret parameters (RoleArn, RoleSessionName, ExternalId)
  DELETE /__sandbox/requests              reset the counts
  PUT    /__sandbox/faults                {"rules": [{"service": "ecr", "action": "GetAuthorizationToken",
                                            "fault": "throttle", "count": 3, "delaySeconds": 2}]}
  DELETE /__sandbox/faults                clear all rules
  PUT    /__sandbox/token-expiry          {"expiresInSeconds": 43200} or {"expiresAt": 1767225600}
                                          or {} for moto's own answer
  PUT    /__sandbox/registry              {"upstream": "http://127.0.0.1:PORT", "user": "AWS",
                                           "password": "..."}: the registry the front serves
  PUT    /__sandbox/web-identity          {"issuer": "https://...", "serviceAccountKeyFile": "PATH",
                                           "accessKeyId": "...", "secretAccessKey": "..."}
                                          (the key that signs the cluster's service-account tokens)

Web identity, as AWS STS does it: ``AssumeRoleWithWebIdentity`` is unsigned (the token is the
credential), which moto with signing enforced cannot answer. The proxy checks the token as STS
would: an RS256 signature by the cluster's service-account key, the issuer, expiry, and the role's
trust policy (principal ``oidc-provider/<issuer host>``, ``StringEquals`` on ``<issuer>:sub`` and
``<issuer>:aud``); then it forwards the call signed with the sandbox's admin keys, so moto hands
out the role's temporary credentials. Anything else is ``AccessDenied``, with the reason.
"""

import base64
import urllib.parse

import argparse
import http.client
import json
import re
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-connection",
    "transfer-encoding",
    "te",
    "trailer",
    "upgrade",
    "content-length",
}
CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/[^/]+/[^/]+/([^/]+)/")
RECENT = 500
# request parameters worth showing a test (none of them secret): which role, which session, which external ID
SHOWN_PARAMS = {"RoleArn", "RoleSessionName", "ExternalId", "DurationSeconds"}
FAULTS = {"throttle", "server-error", "unavailable", "access-denied", "slow", "drop"}


class State:
    def __init__(self):
        self.lock = threading.Lock()
        self.rules = []
        self.expiry = {}
        self.by_action = {}
        self.by_access_key = {}
        self.recent = []
        self.total = 0
        self.passwords = {}  # token password -> (expiresAt (epoch seconds), "private" or "public")
        self.keys = {}  # access key id -> (secret access key, session token or None), as handed out
        self.web_identity = None  # {"issuer", "publicKeyPem", "accessKeyId", "secretAccessKey"}
        self.registry = None  # {"upstream": ..., "user": ..., "password": ...}

    def issue_password(self, expires_at, scope="private"):
        password = "sandbox-" + scope + "-" + uuid.uuid4().hex
        with self.lock:
            if len(self.passwords) > 10000:
                now = time.time()
                self.passwords = {p: e for p, e in self.passwords.items() if e[0] > now}
            self.passwords[password] = (expires_at, scope)
        return password

    def accepts(self, password, scope="private"):
        with self.lock:
            registry = self.registry
            issued = self.passwords.get(password)
        if registry is None:
            return False
        if scope == "private" and password == registry["password"]:
            return True
        return issued is not None and issued[1] == scope and time.time() < issued[0]

    def learn_keys(self, payload):
        """Remembers the keys in an IAM or STS answer, as AWS knows the keys it hands out."""
        text = payload.decode("utf-8", "replace")
        key_id = re.search(r"<AccessKeyId>([^<]+)</AccessKeyId>", text)
        secret = re.search(r"<SecretAccessKey>([^<]+)</SecretAccessKey>", text)
        if key_id and secret:
            session = re.search(r"<SessionToken>([^<]+)</SessionToken>", text)
            with self.lock:
                self.keys[key_id.group(1)] = (secret.group(1), session.group(1) if session else None)

    def count(self, key, access_key, params):
        with self.lock:
            self.total += 1
            self.by_action[key] = self.by_action.get(key, 0) + 1
            if access_key:
                self.by_access_key[access_key] = self.by_access_key.get(access_key, 0) + 1
            self.recent.append({"action": key, "accessKey": access_key, "params": params})
            del self.recent[:-RECENT]

    def take_fault(self, service, action):
        with self.lock:
            for rule in self.rules:
                if rule.get("service") not in (None, service) or rule.get("action") not in (None, action):
                    continue
                if rule.get("count") is not None:
                    if rule["count"] <= 0:
                        continue
                    rule["count"] -= 1
                return dict(rule)
        return None

    def snapshot(self):
        with self.lock:
            return {
                "total": self.total,
                "byAction": dict(self.by_action),
                "byAccessKey": dict(self.by_access_key),
                "recent": list(self.recent),
            }

    def reset_counts(self):
        with self.lock:
            self.total = 0
            self.by_action.clear()
            self.by_access_key.clear()
            self.recent.clear()


def shown_params(body):
    form = parse_qs(body.decode("utf-8", "replace")) if body else {}
    return {k: v[0] for k, v in form.items() if k in SHOWN_PARAMS}


def identify(headers, body):
    """Returns (service, action, access key id) of an AWS request."""
    service, access_key = None, None
    match = CREDENTIAL.search(headers.get("Authorization", ""))
    if match:
        access_key, service = match.group(1), match.group(2)
    target = headers.get("X-Amz-Target")
    if target:  # JSON protocols: "AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken"
        prefix, _, action = target.partition(".")
        if service is None:
            service = ("ecr" if prefix.startswith("AmazonEC2ContainerRegistry")
                       else "ecr-public" if prefix == "SpencerFrontendService" else prefix)
        return service, action, access_key
    form = parse_qs(body.decode("utf-8", "replace")) if body else {}
    action = (form.get("Action") or ["unknown"])[0]
    if service is None:
        service = "sts" if action.startswith("AssumeRole") or action == "GetCallerIdentity" else "unknown"
    return service, action, access_key


def error_answer(service, action, fault):
    """Status, headers and body of the error a real AWS endpoint returns for the fault."""
    request_id = str(uuid.uuid4())
    code, status, message = {
        "throttle": ("ThrottlingException" if service != "sts" else "Throttling", 400, "Rate exceeded"),
        "server-error": ("InternalFailure" if service != "sts" else "InternalFailure", 500,
                         "We encountered an internal error. Please try again."),
        "unavailable": ("ServiceUnavailableException" if service != "sts" else "ServiceUnavailable", 503,
                        "Service is unavailable. Please try again later."),
        "access-denied": ("AccessDeniedException" if service != "sts" else "AccessDenied",
                          400 if service != "sts" else 403,
                          "User: arn:aws:iam::123456789012:user/sandbox is not authorized to perform: "
                          f"{service}:{action} because no identity-based policy allows the action "
                          "(injected by the sandbox)"),
    }[fault]
    if service == "sts":
        body = (
            '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
            f"<Error><Type>{'Receiver' if status >= 500 else 'Sender'}</Type><Code>{code}</Code>"
            f"<Message>{message}</Message></Error><RequestId>{request_id}</RequestId></ErrorResponse>"
        ).encode()
        return status, {"Content-Type": "text/xml", "x-amzn-RequestId": request_id}, body
    body = json.dumps({"__type": code, "message": message}).encode()
    headers = {
        "Content-Type": "application/x-amz-json-1.1",
        "x-amzn-RequestId": request_id,
        "x-amzn-ErrorType": code,
    }
    return status, headers, body


MOTO_AUTH_ERROR = re.compile(
    rb"<ErrorResponse>\s*<Errors>\s*<Error>\s*<Code>([^<]*)</Code>\s*<Message>([^<]*)</Message>", re.S)


def protocol_error(headers, payload, json_protocol):
    """moto answers authentication and authorization failures in a shape of its own
    (<ErrorResponse><Errors><Error>...), which AWS SDKs cannot read: neither the JSON of ECR nor
    the <ErrorResponse><Error> of STS. The same error, code and message unchanged, is given in the
    form the service's protocol defines: the one correction this proxy makes to moto's answers."""
    match = MOTO_AUTH_ERROR.search(payload)
    if not match:
        return headers, payload
    code, message = (m.decode("utf-8", "replace") for m in match.groups())
    headers = {k: v for k, v in headers.items() if k.lower() != "content-type"}
    if json_protocol:
        headers["Content-Type"] = "application/x-amz-json-1.1"
        headers["x-amzn-ErrorType"] = code
        return headers, json.dumps({"__type": code, "message": message}).encode()
    headers["Content-Type"] = "text/xml"
    body = (f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message>"
            f"</Error><RequestId>{uuid.uuid4()}</RequestId></ErrorResponse>")
    return headers, body.encode()


def make_handler(state, upstream_host, upstream_port):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *args):  # requests carry signatures: keep them out of logs
            pass

        def read_body(self):
            if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                chunks = []
                while True:
                    size = int(self.rfile.readline().strip().split(b";")[0], 16)
                    if size == 0:
                        while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                            pass
                        return b"".join(chunks)
                    chunks.append(self.rfile.read(size))
                    self.rfile.readline()
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length) if length else b""

        def reply(self, status, headers, body):
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def control(self, body):
            path = urlsplit(self.path).path
            data = json.loads(body) if body else {}
            if path == "/__sandbox/requests":
                if self.command == "DELETE":
                    state.reset_counts()
                return self.reply(200, {"Content-Type": "application/json"},
                                  json.dumps(state.snapshot()).encode())
            if path == "/__sandbox/faults":
                rules = [] if self.command == "DELETE" else data.get("rules", [])
                bad = [r for r in rules if r.get("fault") not in FAULTS]
                if bad:
                    return self.reply(400, {"Content-Type": "application/json"},
                                      json.dumps({"error": f"unknown fault in {bad}; known: {sorted(FAULTS)}"}).encode())
                with state.lock:
                    state.rules = rules
                return self.reply(200, {"Content-Type": "application/json"}, json.dumps({"rules": rules}).encode())
            if path == "/__sandbox/web-identity":
                with state.lock:
                    state.web_identity = data
                return self.reply(200, {"Content-Type": "application/json"}, b"{}")
            if path == "/__sandbox/registry":
                with state.lock:
                    state.registry = data
                return self.reply(200, {"Content-Type": "application/json"}, b"{}")
            if path == "/__sandbox/token-expiry":
                with state.lock:
                    state.expiry = {} if self.command == "DELETE" else data
                return self.reply(200, {"Content-Type": "application/json"}, json.dumps(state.expiry).encode())
            return self.reply(404, {"Content-Type": "application/json"}, b'{"error": "unknown control path"}')

        def handle_any(self):
            body = self.read_body()
            if self.path.startswith("/__sandbox/"):
                return self.control(body)
            service, action, access_key = identify(self.headers, body)
            state.count(f"{service}:{action}", access_key,
                        {} if self.headers.get("X-Amz-Target") else shown_params(body))
            if service == "sts" and action == "AssumeRoleWithWebIdentity":
                denied = check_web_identity(state, body)
                if denied:
                    return self.reply(*web_identity_denied(denied))
                return self.forward(sign_as_admin(state, self.headers, body), service, action)
            rule = state.take_fault(service, action)
            if rule:
                fault = rule["fault"]
                if fault == "drop":
                    self.close_connection = True
                    self.connection.close()
                    return
                if fault == "slow":
                    time.sleep(float(rule.get("delaySeconds") or 5))
                else:
                    return self.reply(*error_answer(service, action, fault))
            if service == "ecr-public":  # moto has no ECR Public: answered here
                return self.reply(*ecr_public_answer(state, self.command, self.path, self.headers, body, action))
            self.forward(body, service, action)

        def forward(self, body, service, action):
            extra = {}
            if isinstance(body, tuple):  # (body, headers to use instead of the request's)
                body, extra = body
            conn = http.client.HTTPConnection(upstream_host, upstream_port, timeout=60)
            try:
                conn.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
                headers = extra or dict(self.headers.items())
                for name, value in headers.items():
                    if name.lower() not in HOP_BY_HOP:
                        conn.putheader(name, value)
                conn.putheader("Content-Length", str(len(body)))
                conn.endheaders(body)
                answer = conn.getresponse()
                payload = answer.read()
                headers = {k: v for k, v in answer.getheaders() if k.lower() not in HOP_BY_HOP}
            finally:
                conn.close()
            if service == "ecr" and action == "GetAuthorizationToken" and answer.status == 200:
                payload = self.with_expiry(payload)
            if service in ("iam", "sts") and answer.status == 200:
                state.learn_keys(payload)
            if answer.status >= 400:
                headers, payload = protocol_error(headers, payload, bool(self.headers.get("X-Amz-Target")))
            self.reply(answer.status, headers, payload)

        def with_expiry(self, payload):
            with state.lock:
                expiry = dict(state.expiry)
            if "expiresAt" in expiry:
                expires_at = float(expiry["expiresAt"])
            elif "expiresInSeconds" in expiry:
                expires_at = time.time() + float(expiry["expiresInSeconds"])
            else:
                return payload
            document = json.loads(payload)
            for item in document.get("authorizationData", []):
                item["expiresAt"] = expires_at
                # a password of its own, which the registry front accepts until expires_at
                password = state.issue_password(expires_at)
                item["authorizationToken"] = base64.b64encode(f"AWS:{password}".encode()).decode()
            return json.dumps(document).encode()

        do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = handle_any

    return Handler


def b64url(part):
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def check_web_identity(state, body):
    """None if STS would accept the call, else why it would not."""
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding

    config = state.web_identity
    if not config:
        return "the sandbox has no OIDC issuer configured"
    form = {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace")).items()}
    token, role_arn = form.get("WebIdentityToken", ""), form.get("RoleArn", "")
    try:
        header_b64, payload_b64, signature_b64 = token.split(".")
        with open(config["serviceAccountKeyFile"], "rb") as f:
            pem = f.read()
        key = (serialization.load_pem_public_key(pem) if b"PUBLIC KEY" in pem
               else serialization.load_pem_private_key(pem, password=None).public_key())
        key.verify(b64url(signature_b64), f"{header_b64}.{payload_b64}".encode(),
                   padding.PKCS1v15(), hashes.SHA256())
        claims = json.loads(b64url(payload_b64))
    except Exception as e:  # noqa: BLE001 - any malformed or forged token is refused alike
        return f"the web identity token is not valid ({type(e).__name__})"
    if claims.get("iss") != config["issuer"]:
        return f"the token's issuer {claims.get('iss')} is not {config['issuer']}"
    if float(claims.get("exp", 0)) < time.time():
        return "the web identity token expired"
    audiences = claims.get("aud") if isinstance(claims.get("aud"), list) else [claims.get("aud")]
    issuer = config["issuer"].replace("https://", "", 1).rstrip("/")
    import boto3

    iam = boto3.client("iam", endpoint_url=f"http://127.0.0.1:{state.upstream_port}", region_name="us-east-1",
                       aws_access_key_id=config["accessKeyId"], aws_secret_access_key=config["secretAccessKey"])
    try:
        role = iam.get_role(RoleName=role_arn.rsplit("/", 1)[-1])["Role"]
    except Exception as e:  # noqa: BLE001
        return f"no role {role_arn} ({type(e).__name__})"
    document = role["AssumeRolePolicyDocument"]
    if isinstance(document, str):
        document = json.loads(urllib.parse.unquote(document))
    for statement in document.get("Statement", []):
        federated = statement.get("Principal", {}).get("Federated", "")
        actions = statement.get("Action")
        actions = actions if isinstance(actions, list) else [actions]
        if statement.get("Effect") != "Allow" or not federated.endswith(":oidc-provider/" + issuer) \
                or "sts:AssumeRoleWithWebIdentity" not in actions:
            continue
        wanted = statement.get("Condition", {}).get("StringEquals", {})

        def values(key):  # a StringEquals value is one string or a list of them (any matches)
            value = wanted.get(key)
            return None if value is None else value if isinstance(value, list) else [value]
        subjects = values(issuer + ":sub")
        if subjects is not None and claims.get("sub") not in subjects:
            continue
        allowed = values(issuer + ":aud")
        if allowed is not None and not set(allowed) & set(audiences):
            continue
        return None
    return (f"the trust policy of {role_arn} does not admit sub {claims.get('sub')} "
            f"with audience {audiences}")


def web_identity_denied(reason):
    request_id = str(uuid.uuid4())
    body = ('<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>'
            f"<Code>AccessDenied</Code><Message>Not authorized to perform sts:AssumeRoleWithWebIdentity: "
            f"{reason}</Message></Error><RequestId>{request_id}</RequestId></ErrorResponse>").encode()
    return 403, {"Content-Type": "text/xml", "x-amzn-RequestId": request_id}, body


def sign_as_admin(state, headers, body):
    """The body, and headers signing it (SigV4) with the admin's keys, for moto."""
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    config = state.web_identity
    host = headers.get("Host", "sts.amazonaws.com")
    request = AWSRequest(method="POST", url=f"http://{host}/", data=body,
                         headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8", "Host": host})
    SigV4Auth(Credentials(config["accessKeyId"], config["secretAccessKey"]), "sts", "us-east-1").add_auth(request)
    return body, dict(request.headers.items())


def json_error(code, status, message):
    request_id = str(uuid.uuid4())
    headers = {"Content-Type": "application/x-amz-json-1.1", "x-amzn-RequestId": request_id,
               "x-amzn-ErrorType": code}
    return status, headers, json.dumps({"__type": code, "message": message}).encode()


SIGV4 = re.compile(r"AWS4-HMAC-SHA256 Credential=([^/]+)/([0-9]{8})/([^/]+)/([^/]+)/aws4_request,\s*"
                   r"SignedHeaders=([^,]+),\s*Signature=([0-9a-f]{64})$")


def check_sigv4(state, method, path, headers, body, service, region):
    """None if AWS would accept the request's signature, else (code, status, message)."""
    import hashlib
    import hmac
    from datetime import datetime, timezone

    match = SIGV4.match(headers.get("Authorization", ""))
    if not match:
        return "MissingAuthenticationTokenException", 400, "Missing Authentication Token"
    key_id, day, signed_region, signed_service, signed_headers, signature = match.groups()
    with state.lock:
        known = state.keys.get(key_id)
    if known is None:
        return "UnrecognizedClientException", 400, "The security token included in the request is invalid."
    secret, session = known
    if session is not None and headers.get("X-Amz-Security-Token") != session:
        return "UnrecognizedClientException", 400, "The security token included in the request is invalid."
    if (signed_service, signed_region) != (service, region):
        return ("InvalidSignatureException", 400,
                f"Credential should be scoped to a valid region and service: {region}/{service}")
    amz_date = headers.get("X-Amz-Date", "")
    try:
        when = datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc).timestamp()
    except ValueError:
        return "IncompleteSignatureException", 400, "X-Amz-Date is missing or malformed"
    if abs(time.time() - when) > 300 or not amz_date.startswith(day):
        return "InvalidSignatureException", 400, "Signature expired or not yet current"
    split = urlsplit(path)
    query = "&".join(sorted(
        urllib.parse.quote(k, safe="-_.~") + "=" + urllib.parse.quote(v, safe="-_.~")
        for k, v in urllib.parse.parse_qsl(split.query, keep_blank_values=True)))
    canonical_headers = "".join(
        f"{name}:{' '.join((headers.get(name) or '').split())}\n" for name in signed_headers.split(";"))
    payload_hash = headers.get("X-Amz-Content-Sha256") or hashlib.sha256(body).hexdigest()
    canonical = "\n".join([method, urllib.parse.quote(split.path or "/", safe="/-_.~"), query,
                           canonical_headers, signed_headers, payload_hash])
    scope = f"{day}/{region}/{service}/aws4_request"
    to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    key = ("AWS4" + secret).encode()
    for part in (day, region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    if not hmac.compare_digest(hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest(), signature):
        return ("InvalidSignatureException", 400,
                "The request signature we calculated does not match the signature you provided.")
    return None


def ecr_public_answer(state, method, path, headers, body, action):
    """ECR Public's answer (status, headers, body): a token of its own, after the signature check."""
    if action != "GetAuthorizationToken":
        return json_error("UnsupportedCommandException", 400, f"the sandbox's ECR Public has no {action}")
    refused = check_sigv4(state, method, path, headers, body, "ecr-public", "us-east-1")
    if refused:
        return json_error(*refused)
    with state.lock:
        expiry = dict(state.expiry)
    if "expiresAt" in expiry:
        expires_at = float(expiry["expiresAt"])
    else:
        expires_at = time.time() + float(expiry.get("expiresInSeconds", 12 * 3600))
    password = state.issue_password(expires_at, "public")
    token = base64.b64encode(f"AWS:{password}".encode()).decode()
    answer = {"authorizationData": {"authorizationToken": token, "expiresAt": expires_at}}
    return 200, {"Content-Type": "application/x-amz-json-1.1", "x-amzn-RequestId": str(uuid.uuid4())}, \
        json.dumps(answer).encode()


def make_registry_front(state, scope="private"):
    """The registry as pods and clients reach it: Basic credentials checked against the tokens of
    the scope ("private": ECR's, "public": ECR Public's)."""

    class Front(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *args):  # requests carry credentials: keep them out of logs
            pass

        def refuse(self):
            body = b'{"errors":[{"code":"UNAUTHORIZED","message":"authentication required","detail":null}]}'
            self.send_response(401)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Docker-Distribution-Api-Version", "registry/2.0")
            self.send_header("WWW-Authenticate", 'Basic realm="sandbox"')
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":  # a HEAD answer has no body
                self.wfile.write(body)

        def handle_any(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            registry = state.registry
            password = None
            auth = self.headers.get("Authorization", "")
            if auth.startswith("Basic "):
                try:
                    user, _, password = base64.b64decode(auth[6:]).decode().partition(":")
                except ValueError:
                    password = None
            if registry is None or password is None or not state.accepts(password, scope):
                return self.refuse()
            upstream = urlsplit(registry["upstream"])
            conn = http.client.HTTPConnection(upstream.hostname, upstream.port, timeout=60)
            try:
                conn.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
                for name, value in self.headers.items():
                    if name.lower() not in HOP_BY_HOP and name.lower() not in ("authorization", "host"):
                        conn.putheader(name, value)
                conn.putheader("Host", upstream.netloc)
                basic = base64.b64encode(f"{registry['user']}:{registry['password']}".encode()).decode()
                conn.putheader("Authorization", "Basic " + basic)
                conn.putheader("Content-Length", str(len(body)))
                conn.endheaders(body)
                answer = conn.getresponse()
                payload = answer.read()
                self.send_response(answer.status)
                for name, value in answer.getheaders():
                    if name.lower() not in HOP_BY_HOP:
                        self.send_header(name, value.replace(upstream.netloc, self.headers.get("Host", upstream.netloc)))
                # a HEAD answer has no body but says the length of what GET would send
                length = answer.getheader("Content-Length") if self.command == "HEAD" else None
                self.send_header("Content-Length", length or str(len(payload)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(payload)
            finally:
                conn.close()

        do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = handle_any

    return Front


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, required=True, help="port to listen on (127.0.0.1)")
    parser.add_argument("--upstream", required=True, help="the emulator, e.g. http://127.0.0.1:5000")
    parser.add_argument("--expires-in", type=float, help="start with realistic expiry: now + N seconds")
    parser.add_argument("--registry-port", type=int, help="port of the registry front (127.0.0.1)")
    parser.add_argument("--public-registry-port", type=int,
                        help="port of the ECR Public registry front (127.0.0.1): public.ecr.aws")
    args = parser.parse_args()
    upstream = urlsplit(args.upstream)
    state = State()
    state.upstream_port = upstream.port
    if args.expires_in is not None:
        state.expiry = {"expiresInSeconds": args.expires_in}
    server = ThreadingHTTPServer(("127.0.0.1", args.port), make_handler(state, upstream.hostname, upstream.port))
    server.daemon_threads = True
    if args.registry_port:
        front = ThreadingHTTPServer(("127.0.0.1", args.registry_port), make_registry_front(state))
        front.daemon_threads = True
        threading.Thread(target=front.serve_forever, daemon=True).start()
        print(f"registry front listening on 127.0.0.1:{args.registry_port}", flush=True)
    if args.public_registry_port:
        front = ThreadingHTTPServer(("127.0.0.1", args.public_registry_port), make_registry_front(state, "public"))
        front.daemon_threads = True
        threading.Thread(target=front.serve_forever, daemon=True).start()
        print(f"ECR Public registry front listening on 127.0.0.1:{args.public_registry_port}", flush=True)
    print(f"aws-fault-proxy listening on 127.0.0.1:{args.port} -> {args.upstream}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
