#!/usr/bin/env python3
"""Check the card page's QR code end to end, as a venue would, in headless Chromium.

Reuses check_page.py's DevTools client. Steps, on a 360 px wide mobile viewport:
  1. sign in on the card page (code read from the console SMS gateway's log) and wait for the QR;
  2. screenshot it and decode the screenshot with zbarimg (zbar-tools): the text must be the code
     the page shows, and `itinerary verify` must accept it;
  3. open /verify (keys and place names fetched once), take the network away, and check the
     scanned code there: valid, checked in the browser (WebCrypto Ed25519), colour and places shown;
  4. each --refuse REASON=CODE must be refused with REASON shown; each --accept CODE (an old
     key's code after a rotation) must be valid;
  4b. each --gray REASON=CODE (a no-data or stale card's code) must show 灰码 · 不通过 with REASON and
     a masked number; every refused code shows 不通过 and the reason only, never its claims;
  4c. with --revoke CODE --revoke-cmd CMD: CODE passes, CMD withdraws its key, and the page, left
     open, refuses CODE as revoked after its next key refresh; after a reload at once;
  5. with --english-phone: a browser asking for English gets the card page in English (code SMS
     included), places named in English; the switch turns it back to Chinese.
Prints a JSON summary with the pages' sizes and first contentful paint; exit 0 when all pass.

  python3 Tests/browser/check_venue.py --url http://127.0.0.1:8080/ --sms-log /tmp/sms.log \
      --itinerary .build/debug/itinerary --state STATE --expect-places '浙江省杭州市*，北京市' \
      [--refuse expired=ITC1.… ...] [--accept ITC1.… ...]
"""
import argparse, base64, json, os, re, shutil, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_page import read_code, run_in_chromium, set_language  # noqa: E402

REASONS = {"expired": "已过期", "bad_signature": "签名无效（被篡改）", "unknown_key": "未知密钥", "malformed": "不是行程卡核验码",
           "lifetime_too_long": "有效期长于服务签发的时长", "revoked": "密钥已撤销",
           "no_data": "暂无行程数据（信息不足）", "stale": "数据更新滞后（信息不足）"}



def reload_and_fetch_keys(page, what, timeout=10.0):
    """Reloads the page and waits for the new page's key fetch: the old page is marked first, so
    a check cannot run on the page that was there before the reload (nor fail on its teardown)."""
    page.js("window.__beforeReload = true; location.reload(); true")
    ready = ("!window.__beforeReload && document.readyState === 'complete'"
             " && !!document.getElementById('keys') && !!document.getElementById('keys').getAttribute('data-fetched')")
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            if page.js(ready):
                return
        except RuntimeError:  # the old page's context went away mid-evaluation
            pass
        time.sleep(0.05)
    raise RuntimeError(f"timed out waiting for {what}")


def first_paint(page):
    time.sleep(0.2)
    return page.js("(performance.getEntriesByType('paint').find(e => e.name === 'first-contentful-paint') || {startTime: null}).startTime")


def check_code(page, code, timeout=10.0):
    """Types `code` into the verifier as a scanner would (text, then Enter) and returns what it shows."""
    page.js("document.getElementById('result').removeAttribute('data-reason'); true")
    page.js(f"var s = document.getElementById('scan'); s.value = {json.dumps(code)};"
            " document.getElementById('form').requestSubmit(); true")
    page.wait_for("document.getElementById('result').getAttribute('data-reason')", timeout=timeout, what="a verdict")
    return page.js("""({
        reason: document.getElementById('result').getAttribute('data-reason'),
        by: document.getElementById('result').getAttribute('data-by'),
        verdict: document.getElementById('verdict').textContent,
        reason_text: document.getElementById('reason').textContent,
        phone: document.getElementById('phone').textContent,
        places: document.getElementById('places').textContent,
        times: document.getElementById('times').textContent,
        color: document.getElementById('result').className
    })""")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True)
    parser.add_argument("--sms-log", required=True)
    parser.add_argument("--phone", default="13800138000")
    parser.add_argument("--itinerary", required=True, help="the built itinerary executable")
    parser.add_argument("--state", required=True, help="state directory with the published public keys")
    parser.add_argument("--screenshot", default=os.path.join(tempfile.gettempdir(), "itinerary-card-qr.png"))
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    parser.add_argument("--expect-places", help="the places the verifier must show, e.g. 浙江省杭州市*，北京市")
    parser.add_argument("--refuse", action="append", default=[], help="REASON=CODE that /verify must refuse")
    parser.add_argument("--accept", action="append", default=[], help="another CODE that /verify must accept")
    parser.add_argument("--gray", action="append", default=[], help="REASON=CODE that /verify must show gray")
    parser.add_argument("--revoke", help="a CODE that passes until --revoke-cmd withdraws its key")
    parser.add_argument("--revoke-cmd", help="JSON list: the command withdrawing the key of --revoke")
    parser.add_argument("--shots", help="directory for the verdict screenshots (tampered.png, gray.png, revoked.png)")
    parser.add_argument("--english-phone", help="a second number, to sign in with a browser asking for English")
    parser.add_argument("--expect-places-en", help="the English places, e.g. 'Hangzhou, Zhejiang*, Beijing'")
    options = parser.parse_args()

    masked = options.phone[-11:][:3] + "****" + options.phone[-4:]
    summary = {"url": options.url, "checks": [], "ok": False}

    def shoot(page, name):
        """The verdict, one pixel per CSS pixel, into --shots."""
        if not options.shots:
            return
        rect = page.js("(function(r){return {x: r.left + scrollX, y: r.top + scrollY, width: r.width, height: r.height}})"
                       "(document.querySelector('main').getBoundingClientRect())")
        shot = page.call("Page.captureScreenshot", format="png", clip=dict(rect, x=0, y=0, width=360, height=rect["y"] + rect["height"], scale=0.5))
        os.makedirs(options.shots, exist_ok=True)
        with open(os.path.join(options.shots, name), "wb") as f:
            f.write(base64.b64decode(shot["data"]))
        summary.setdefault("shots", []).append(name)

    def steps(page, check):
        for domain in ("Page", "Runtime", "Network"):
            page.call(f"{domain}.enable")
        page.call("Emulation.setDeviceMetricsOverride", width=360, height=780, deviceScaleFactor=2, mobile=True)
        set_language(page, "zh-CN,zh")

        # 1. The card page, signed in, with its code.
        page.load(options.url)
        offset = os.path.getsize(options.sms_log) if os.path.exists(options.sms_log) else 0
        page.js(f"document.getElementById('phone').value = {json.dumps(options.phone)}; document.getElementById('send').click(); true")
        code = read_code(options.sms_log, masked, offset)
        page.js(f"document.getElementById('code').value = {json.dumps(code)}; document.getElementById('consent').checked = true;"
                " document.getElementById('submit').click(); true")
        page.wait_for("(function(q){return !document.getElementById('qr-box').hidden && q.complete && q.naturalWidth > 0"
                      " && q.getAttribute('data-code')})(document.getElementById('qr'))", what="the QR code")
        shown = page.js("document.getElementById('qr').getAttribute('data-code')")
        summary["code"] = shown
        summary["code_chars"] = len(shown)
        summary["card_page_bytes_with_code"] = page.js("document.documentElement.outerHTML.length")
        check("card page with its code under 30 KB", summary["card_page_bytes_with_code"] <= 30 * 1024,
              str(summary["card_page_bytes_with_code"]))
        check("QR within 360 px", page.js("document.documentElement.scrollWidth <= 360"))

        # 2. Screenshot → zbarimg → itinerary verify.
        rect = page.js("(function(r){return {x: r.left + scrollX, y: r.top + scrollY, width: r.width, height: r.height}})"
                       "(document.getElementById('qr').getBoundingClientRect())")
        shot = page.call("Page.captureScreenshot", format="png", captureBeyondViewport=True,
                         clip=dict(rect, x=max(0, rect["x"] - 16), y=max(0, rect["y"] - 16),
                                   width=rect["width"] + 32, height=rect["height"] + 32, scale=1))
        os.makedirs(os.path.dirname(os.path.abspath(options.screenshot)), exist_ok=True)
        with open(options.screenshot, "wb") as f:
            f.write(base64.b64decode(shot["data"]))
        summary["screenshot"] = os.path.abspath(options.screenshot)
        scan = subprocess.run(["zbarimg", "--raw", "-q", options.screenshot], capture_output=True, text=True, timeout=30)
        scanned = scan.stdout.strip()
        summary["scanned"] = scanned
        check("zbarimg reads the code the page shows", scanned == shown, f"{scan.returncode} {scanned!r} {scan.stderr[-200:]}")
        verify = subprocess.run([options.itinerary, "verify", "--state", options.state, scan.stdout],
                                capture_output=True, text=True, timeout=60)
        check("itinerary verify accepts the scanned code", verify.returncode == 0 and '"valid":true' in verify.stdout,
              f"{verify.returncode} {verify.stdout.strip()} {verify.stderr.strip()[-300:]}")

        # 3. The venue verifier: keys once, then offline.
        verify_url = options.url.rstrip("/") + "/verify"
        started = time.time()
        page.call("Page.navigate", url=verify_url)
        page.wait_for("document.readyState === 'complete' && /公钥/.test(document.getElementById('keys').textContent)"
                      " && !!localStorage.getItem('itinerary.verify.places')", what="keys fetched")
        summary["verify_page_load_ms"] = round((time.time() - started) * 1000)
        summary["verify_page_bytes"] = page.js("document.documentElement.outerHTML.length")
        summary["verify_first_contentful_paint_ms"] = first_paint(page)
        page.call("Network.emulateNetworkConditions", offline=True, latency=0, downloadThroughput=-1, uploadThroughput=-1)
        shown_verdict = check_code(page, scanned)
        summary["verdict"] = shown_verdict
        check("/verify: the scanned code is valid", shown_verdict["reason"] == "valid", json.dumps(shown_verdict, ensure_ascii=False))
        check("/verify: checked offline in the browser", shown_verdict["by"] == "browser", shown_verdict["by"])
        check("/verify: colour shown", shown_verdict["color"] == "green" and "绿码" in shown_verdict["verdict"], shown_verdict["verdict"])
        check("/verify: masked number shown", shown_verdict["phone"] == masked, shown_verdict["phone"])
        if options.expect_places:
            check("/verify: places shown", shown_verdict["places"] == options.expect_places, shown_verdict["places"])

        # 4. Refusals with their reasons only, and codes of a retired key.
        for item in options.refuse:
            reason, _, refused = item.partition("=")
            got = check_code(page, refused)
            check(f"/verify refuses: {reason}", got["reason"] == reason and got["reason_text"] == REASONS[reason]
                  and got["verdict"] == "不通过", json.dumps(got, ensure_ascii=False))
            check(f"/verify shows no claims of a refused code: {reason}", got["phone"] == "" and got["places"] == ""
                  and got["times"] == "", json.dumps(got, ensure_ascii=False))
            if reason == "bad_signature":
                shoot(page, "tampered.png")
        for item in options.gray:
            reason, _, gray = item.partition("=")
            got = check_code(page, gray)
            check(f"/verify shows gray: {reason}", got["reason"] == reason and got["verdict"] == "灰码 · 不通过"
                  and got["reason_text"] == REASONS[reason] and got["color"] == "gray" and re.fullmatch(r"\d{3}\*{4}\d{4}", got["phone"]),
                  json.dumps(got, ensure_ascii=False))
            shoot(page, f"gray-{reason}.png")
        for accepted in options.accept:
            got = check_code(page, accepted)
            check("/verify accepts another published key's code", got["reason"] == "valid", json.dumps(got, ensure_ascii=False))
        page.call("Network.emulateNetworkConditions", offline=False, latency=0, downloadThroughput=-1, uploadThroughput=-1)

        # 4c. A key withdrawn while the page is open: refused after its next refresh, and on load.
        if options.revoke:
            reload_and_fetch_keys(page, "keys fetched on load")
            got = check_code(page, options.revoke)
            check("/verify accepts the code before its key is withdrawn", got["reason"] == "valid", json.dumps(got, ensure_ascii=False))
            revoke = subprocess.run(json.loads(options.revoke_cmd), capture_output=True, text=True, timeout=60)
            check("the key is withdrawn", revoke.returncode == 0, revoke.stderr.strip()[-300:])
            started, got = time.time(), None
            while time.time() - started < 45:
                got = check_code(page, options.revoke)
                if got["reason"] == "revoked":
                    break
                time.sleep(1)
            summary["revoked_after_s"] = round(time.time() - started, 1)
            check("/verify, left open, refuses the withdrawn key's code after a refresh",
                  got["reason"] == "revoked" and got["verdict"] == "不通过" and got["phone"] == "", json.dumps(got, ensure_ascii=False))
            shoot(page, "revoked.png")
            reload_and_fetch_keys(page, "keys fetched on reload")
            got = check_code(page, options.revoke)
            check("/verify refuses it at once after a reload", got["reason"] == "revoked", json.dumps(got, ensure_ascii=False))

        # First paint of the card page, measured on a fresh load (signed out).
        page.js("sessionStorage.clear(); true")
        page.load(options.url)
        summary["card_page_bytes"] = page.js("document.documentElement.outerHTML.length")
        summary["card_first_contentful_paint_ms"] = first_paint(page)
        # 5. English, chosen from the browser's language.
        if options.english_phone:
            set_language(page, "en-GB,en")
            page.js("localStorage.clear(); sessionStorage.clear(); true")
            page.load(options.url)
            check("English from the browser's language", page.js("document.querySelector('header h1').textContent") == "Itinerary Card",
                  page.js("document.querySelector('header h1').textContent"))
            english_masked = options.english_phone[:3] + "****" + options.english_phone[-4:]
            offset = os.path.getsize(options.sms_log)
            page.js(f"document.getElementById('phone').value = {json.dumps(options.english_phone)}; document.getElementById('send').click(); true")
            english_code = read_code(options.sms_log, english_masked, offset)
            with open(options.sms_log, "rb") as f:
                f.seek(offset)
                sms = f.read().decode(errors="replace")
            check("code SMS in English", "[Itinerary Card] Your code is " + english_code in sms, sms.strip()[-200:])
            page.js(f"document.getElementById('code').value = {json.dumps(english_code)}; document.getElementById('consent').checked = true;"
                    " document.getElementById('submit').click(); true")
            page.wait_for("!document.getElementById('card').hidden", what="the English card")
            places = page.js("document.getElementById('card-places').textContent")
            summary["english_places"] = places
            check("English card", page.js("document.getElementById('card-phone').textContent") == "Itinerary card of " + english_masked)
            if options.expect_places_en:
                check("English place names", places == "In the past 14 days you visited or passed through: " + options.expect_places_en, places)
            page.js("document.getElementById('lang').click(); true")
            places = page.js("document.getElementById('card-places').textContent")
            check("the switch turns it to Chinese", places.startswith("您于前14天内到达或途经：") and (
                not options.expect_places or places.endswith(options.expect_places)), places)

    return run_in_chromium(options.chromium, summary, steps)


if __name__ == "__main__":
    sys.exit(main())
