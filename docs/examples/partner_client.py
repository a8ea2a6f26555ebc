#!/usr/bin/env python3
"""A small lookup-service client for the itinerary card service (docs/partner-api.md).

Standard library only. It takes a token by OAuth 2.0 client credentials (renewed a little before
it expires), relays a person's SMS code, reads again under a standing consent, and waits out a
429 by its Retry-After.

  export ITINERARY_CLIENT_ID=ptn_… ITINERARY_CLIENT_SECRET=…
  python3 docs/examples/partner_client.py --url http://127.0.0.1:8080 --phone 13800138000 --consent-days 7
  (it asks for the code the person reads out from the SMS)
  python3 docs/examples/partner_client.py --url http://127.0.0.1:8080 --phone 13800138000 --again
"""
import argparse, base64, json, os, sys, time, urllib.error, urllib.parse, urllib.request


class PartnerClient:
    def __init__(self, url, client_id, client_secret):
        self.url = url.rstrip("/")
        self.basic = base64.b64encode(
            f"{urllib.parse.quote_plus(client_id)}:{urllib.parse.quote_plus(client_secret)}".encode()).decode()
        self.token, self.expires = None, 0.0

    def _send(self, method, path, body=None, headers=None, retries=3):
        for _ in range(retries):
            request = urllib.request.Request(self.url + path, data=body, method=method, headers=headers or {})
            try:
                with urllib.request.urlopen(request, timeout=10) as response:
                    return response.status, json.load(response)
            except urllib.error.HTTPError as error:
                answer = json.load(error) if error.headers.get("Content-Type", "").startswith("application/json") else {}
                if error.code == 429 and error.headers.get("Retry-After"):
                    time.sleep(int(error.headers["Retry-After"]))  # the partner's own quota: wait, then retry
                    continue
                return error.code, answer
        return 429, {"error": {"code": "rate_limited", "message": "still limited after retries"}}

    def access_token(self):
        """A token from POST /v1/oauth/token, renewed 30 s before it expires."""
        if self.token and time.time() < self.expires - 30:
            return self.token
        status, answer = self._send(
            "POST", "/v1/oauth/token", body=b"grant_type=client_credentials",
            headers={"Authorization": "Basic " + self.basic, "Content-Type": "application/x-www-form-urlencoded"})
        if status != 200:
            raise RuntimeError(f"token: {status} {answer}")  # {"error":"invalid_client",…}: wrong or revoked client
        self.token, self.expires = answer["access_token"], time.time() + answer["expires_in"]
        return self.token

    def _call(self, method, path, payload=None):
        headers = {"Authorization": "Bearer " + self.access_token()}
        body = None
        if payload is not None:
            headers["Content-Type"] = "application/json"
            body = json.dumps(payload).encode()
        status, answer = self._send(method, path, body, headers)
        if status == 401 and (answer.get("error") or {}).get("code") == "invalid_token":
            self.token = None  # rotated secret or expired token: take a new one once
            headers["Authorization"] = "Bearer " + self.access_token()
            status, answer = self._send(method, path, body, headers)
        return status, answer

    def send_code(self, phone, consent_days=0):
        return self._call("POST", "/v1/partner/otp", {"phone": phone, "consent_days": consent_days})

    def relay(self, phone, code, consent_days=0):
        return self._call("POST", "/v1/partner/itinerary", {"phone": phone, "code": code, "consent_days": consent_days})

    def read_again(self, phone):
        return self._call("GET", "/v1/partner/itinerary?" + urllib.parse.urlencode({"phone": phone}))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://127.0.0.1:8080")
    parser.add_argument("--phone", required=True)
    parser.add_argument("--consent-days", type=int, default=0)
    parser.add_argument("--again", action="store_true", help="read under the standing consent, no SMS")
    options = parser.parse_args()
    client = PartnerClient(options.url, os.environ["ITINERARY_CLIENT_ID"], os.environ["ITINERARY_CLIENT_SECRET"])
    if options.again:
        status, card = client.read_again(options.phone)
    else:
        status, sent = client.send_code(options.phone, options.consent_days)
        if status != 200:
            print(json.dumps(sent, ensure_ascii=False), file=sys.stderr)
            return 1
        code = input(f"code sent to {sent['phone']}; the code the person reads out: ").strip()
        status, card = client.relay(options.phone, code, options.consent_days)
    print(json.dumps(card, ensure_ascii=False, indent=2))
    return 0 if status == 200 else 1


if __name__ == "__main__":
    sys.exit(main())
