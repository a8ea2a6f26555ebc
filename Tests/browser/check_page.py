#!/usr/bin/env python3
"""Drive the lookup page in headless Chromium and check the card it shows.

Uses only the Python standard library: a minimal WebSocket client speaks the Chrome DevTools
Protocol. Steps, on a 360 px wide mobile viewport:
  1. open the page, type the phone number, press 获取验证码;
  2. read the code from the console SMS gateway's output (--sms-log: the server's stdout
     captured to a file, or the mirror file of ConsoleSMSGateway);
  3. type the code, tick the consent box, press 查询;
  4. check the card (masked number, 动态行程卡, 更新于 time, places with stars, colour, footnote);
  5. with --expect-audit PARTNER: check 谁查询了我的行程卡 lists the partner's read and consent,
     save --audit-screenshot, press 撤销 and check the consent is gone;
  6. save a screenshot, reload the page and check the card comes back from the token alone.

Exit status 0 when every check passes; a JSON summary is printed either way.

  python3 Tests/browser/check_page.py --url http://127.0.0.1:8080/ --sms-log /tmp/sms.log \
      --phone 13800138000 [--typed-phone '+86 (138) 0013-８０００'] --screenshot Tests/artifacts/card.png \
      [--expect-places '浙江省杭州市*，北京市'] [--expect-time '2022.05.14 08:00:00']
"""
import argparse, base64, json, os, re, select, shutil, socket, struct, subprocess, sys, tempfile, time, urllib.request


class WebSocket:
    """Just enough of RFC 6455 for CDP: text frames, client masking, fragmentation, ping."""

    def __init__(self, url, timeout=30):
        m = re.match(r"ws://([^:/]+):(\d+)(/.*)", url)
        host, port, path = m.group(1), int(m.group(2)), m.group(3)
        self.sock = socket.create_connection((host, port), timeout=timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
                           f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(1)
            if not chunk:
                raise RuntimeError("websocket handshake failed")
            head += chunk
        if b" 101 " not in head.split(b"\r\n")[0]:
            raise RuntimeError("websocket handshake refused: %r" % head[:200])

    def _exact(self, n):
        data = b""
        while len(data) < n:
            chunk = self.sock.recv(n - len(data))
            if not chunk:
                raise RuntimeError("websocket closed")
            data += chunk
        return data

    def send(self, text):
        payload = text.encode()
        header = bytes([0x81])
        n = len(payload)
        if n < 126:
            header += bytes([0x80 | n])
        elif n < 65536:
            header += bytes([0x80 | 126]) + struct.pack(">H", n)
        else:
            header += bytes([0x80 | 127]) + struct.pack(">Q", n)
        mask = os.urandom(4)
        self.sock.sendall(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))

    def recv(self):
        message = b""
        while True:
            b0, b1 = self._exact(2)
            n = b1 & 0x7F
            if n == 126:
                n = struct.unpack(">H", self._exact(2))[0]
            elif n == 127:
                n = struct.unpack(">Q", self._exact(8))[0]
            data = self._exact(n)
            opcode = b0 & 0x0F
            if opcode == 0x9:  # ping -> pong
                self.sock.sendall(bytes([0x8A, 0x80 | len(data)]) + b"\0\0\0\0" + data)
                continue
            if opcode == 0x8:
                raise RuntimeError("websocket closed by peer")
            message += data
            if b0 & 0x80:
                return message.decode()


class Page:
    def __init__(self, ws):
        self.ws, self.next_id = ws, 0

    def call(self, method, **params):
        self.next_id += 1
        ident = self.next_id
        self.ws.send(json.dumps({"id": ident, "method": method, "params": params}))
        while True:
            reply = json.loads(self.ws.recv())
            if reply.get("id") == ident:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})

    def js(self, expression):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"JS error in {expression!r}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, expression, timeout=10.0, what=None):
        deadline = time.time() + timeout
        while time.time() < deadline:
            value = self.js(expression)
            if value:
                return value
            time.sleep(0.05)
        raise RuntimeError(f"timed out waiting for {what or expression}")

    def load(self, url):
        self.call("Page.navigate", url=url)
        time.sleep(0.1)
        self.wait_for("document.readyState === 'complete' && !!document.getElementById('phone')", what="page load")


def set_language(page, accept_language):
    """The browser's language as pages see it (navigator.languages, Accept-Language)."""
    page.call("Network.setUserAgentOverride", userAgent=page.js("navigator.userAgent"), acceptLanguage=accept_language)


def launch_chromium(binary, profile):
    args = [binary, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
            "--disable-extensions", "--remote-debugging-port=0", "--remote-debugging-address=127.0.0.1",
            f"--user-data-dir={profile}", "--window-size=360,780", "about:blank"]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline, buffer = time.time() + 30, b""
    while time.time() < deadline:
        ready, _, _ = select.select([proc.stderr], [], [], 0.5)
        if ready:
            chunk = os.read(proc.stderr.fileno(), 4096)
            if not chunk:
                break
            buffer += chunk
            m = re.search(rb"DevTools listening on (ws://\S+)", buffer)
            if m:
                return proc, m.group(1).decode()
    proc.kill()
    raise RuntimeError("chromium did not start: " + buffer.decode(errors="replace")[-2000:])


def open_page(binary, profile):
    """Starts chromium and attaches to its first page; returns (process, Page)."""
    proc, browser_ws = launch_chromium(binary, profile)
    port = re.search(r":(\d+)/", browser_ws).group(1)
    targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10))
    target = next(t for t in targets if t.get("type") == "page")
    return proc, Page(WebSocket(target["webSocketDebuggerUrl"]))


def checker(summary, failures):
    """A `check(name, condition, detail)` that records into summary and failures."""
    def check(name, condition, detail=""):
        summary["checks"].append({"check": name, "ok": bool(condition), "detail": detail})
        if not condition:
            failures.append(f"{name}: {detail}")
    return check


def run_in_chromium(chromium, summary, steps):
    """Runs `steps(page, check)` on a page of a fresh headless chromium, records its checks (and
    any exception, untraced) in `summary`, prints it as JSON and returns the exit status."""
    failures = []
    profile = tempfile.mkdtemp(prefix="itinerary-chromium-")
    proc = None
    try:
        proc, page = open_page(chromium, profile)
        steps(page, checker(summary, failures))
    except Exception as error:  # report, do not trace
        failures.append(f"{type(error).__name__}: {error}")
    finally:
        if proc:
            proc.kill()
            proc.wait()
        shutil.rmtree(profile, ignore_errors=True)
    summary["ok"] = not failures
    summary["failures"] = failures
    print(json.dumps(summary, ensure_ascii=False, indent=2))
    return 0 if not failures else 1


def read_code(sms_log, masked, offset, timeout=10.0):
    deadline = time.time() + timeout
    pattern = re.compile(r"SMS to " + re.escape(masked) + r": .*?(\d{6})")
    while time.time() < deadline:
        if os.path.exists(sms_log):
            with open(sms_log, "rb") as f:
                f.seek(offset)
                text = f.read().decode(errors="replace")
            codes = pattern.findall(text)
            if codes:
                return codes[-1]
        time.sleep(0.05)
    raise RuntimeError(f"no code for {masked} in {sms_log}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True)
    parser.add_argument("--sms-log", required=True)
    parser.add_argument("--phone", default="13800138000")
    parser.add_argument("--typed-phone", help="what to type in the phone box, as a person would (default: --phone); "
                        "the box must keep all of it, e.g. '+86 (138) 0013-８０００'")
    parser.add_argument("--screenshot", default=os.path.join(os.path.dirname(__file__), "..", "artifacts", "card.png"))
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    parser.add_argument("--expect-places", help="text expected after 您于前14天内到达或途经：")
    parser.add_argument("--expect-time", help="expected 更新于 time, e.g. 2022.05.14 08:00:00")
    parser.add_argument("--expect-color", help="green, yellow, orange or gray")
    parser.add_argument("--expect-status", help="current, no_data or stale (docs/card-states.md)")
    parser.add_argument("--expect-banner", help="text the gray card's banner must contain, e.g. 暂无行程数据")
    parser.add_argument("--shot-scale", type=float, default=1.0, help="screenshot scale (0.5: one pixel per CSS pixel)")
    parser.add_argument("--expect-audit", help="a lookup service that read the card and holds a consent: 谁查询了我的行程卡 "
                        "must list it; its consent is then withdrawn with the page's button")
    parser.add_argument("--audit-screenshot", help="where to save the card page with the audit (before the withdrawal)")
    options = parser.parse_args()

    masked = options.phone[-11:][:3] + "****" + options.phone[-4:]
    summary = {"url": options.url, "checks": [], "ok": False}
    def steps(page, check):
        page.call("Page.enable")
        page.call("Runtime.enable")
        page.call("Emulation.setDeviceMetricsOverride", width=360, height=780, deviceScaleFactor=2, mobile=True)
        set_language(page, "zh-CN,zh")  # the page follows the browser's language; this check reads Chinese

        started = time.time()
        page.load(options.url)
        summary["page_load_ms"] = round((time.time() - started) * 1000)
        summary["page_bytes"] = page.js("document.documentElement.outerHTML.length")
        # Time to first render as the browser measures it, ms after navigation start: first
        # contentful paint where headless chromium reports it, and DOMContentLoaded.
        time.sleep(0.2)
        summary["first_contentful_paint_ms"] = page.js(
            "(performance.getEntriesByType('paint').find(e => e.name === 'first-contentful-paint') || {startTime: null}).startTime")
        summary["dom_content_loaded_ms"] = page.js("performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd")
        check("no horizontal scroll at 360 px", page.js("document.documentElement.scrollWidth <= 360"),
              str(page.js("document.documentElement.scrollWidth")))
        check("no outside resources", page.js(
            "performance.getEntriesByType('resource').every(e => e.name.startsWith(location.origin))"))

        offset = os.path.getsize(options.sms_log) if os.path.exists(options.sms_log) else 0
        # Typed, not set: Input.insertText goes through the box's maxlength as keystrokes do.
        typed = options.typed_phone or options.phone
        page.js("document.getElementById('phone').value = ''; document.getElementById('phone').focus(); true")
        page.call("Input.insertText", text=typed)
        check("the phone box keeps what was typed", page.js("document.getElementById('phone').value") == typed,
              page.js("document.getElementById('phone').value"))
        page.js("document.getElementById('send').click(); true")
        page.wait_for("document.getElementById('msg').textContent.includes('验证码已发送')", what="验证码已发送")
        code = read_code(options.sms_log, masked, offset)
        summary["code_read_from_sms_log"] = True

        page.js(f"document.getElementById('code').value = {json.dumps(code)}; document.getElementById('consent').checked = true;"
                " document.getElementById('submit').click(); true")
        page.wait_for("!document.getElementById('card').hidden", what="the card")
        card = page.js("""({
            phone: document.getElementById('card-phone').textContent,
            title: document.getElementById('card-title').textContent,
            time: document.getElementById('card-time').textContent,
            places: document.getElementById('card-places').textContent,
            color: document.getElementById('arrow').getAttribute('data-color'),
            fill: document.getElementById('arrow-bg').getAttribute('fill'),
            status: document.getElementById('card').getAttribute('data-status'),
            banner: document.getElementById('card-status').hidden ? null : document.getElementById('card-status').textContent,
            notes: document.querySelector('.notes').innerText,
            token: sessionStorage.getItem('itinerary.token') !== null
        })""")
        summary["card"] = card
        check("masked number", card["phone"] == masked + "的动态行程卡", card["phone"])
        check("动态行程卡", card["title"] == "动态行程卡", card["title"])
        check("更新于 line", re.fullmatch(r"更新于：\d{4}\.\d\d\.\d\d \d\d:\d\d:\d\d", card["time"] or ""), card["time"])
        if options.expect_time:
            check("更新于 time", card["time"] == "更新于：" + options.expect_time, card["time"])
        check("places sentence", card["places"].startswith("您于前14天内到达或途经："), card["places"])
        summary["card_page_bytes_signed_in"] = page.js("document.documentElement.outerHTML.length")
        if options.expect_places:
            check("places", card["places"] == "您于前14天内到达或途经：" + options.expect_places, card["places"])
        if options.expect_color:
            check("colour", card["color"] == options.expect_color, card["color"])
        if options.expect_status:
            check("status", card["status"] == options.expect_status, card["status"])
            if options.expect_status != "current":
                check("gray, never green", card["color"] == "gray" and card["fill"] != "#1aad19", f"{card['color']} {card['fill']}")
                check("banner says why", bool(card["banner"]) and (not options.expect_banner or options.expect_banner in card["banner"]),
                      card["banner"])
            else:
                check("no banner on a current card", card["banner"] is None, card["banner"])
        if "*" in card["places"]:
            check("star footnote", "*注：* 表示当前该城市存在中风险或高风险地区，并不表示用户实际到访过这些中高风险地区。" in card["notes"], card["notes"])
        check("14-day footnote", "14天内" in card["notes"], card["notes"])
        check("token kept in sessionStorage", card["token"])

        size = page.js("({width: document.documentElement.scrollWidth, height: document.documentElement.scrollHeight})")
        shot = page.call("Page.captureScreenshot", format="png", captureBeyondViewport=True,
                         clip=dict(x=0, y=0, width=size["width"], height=size["height"], scale=options.shot_scale))
        os.makedirs(os.path.dirname(os.path.abspath(options.screenshot)), exist_ok=True)
        with open(options.screenshot, "wb") as f:
            f.write(base64.b64decode(shot["data"]))
        summary["screenshot"] = os.path.abspath(options.screenshot)

        if options.expect_audit:
            partner = options.expect_audit
            page.wait_for("!document.getElementById('audit').hidden", what="谁查询了我的行程卡")
            audit = page.js("""({
                title: document.querySelector('#audit h2').textContent,
                reads: [].map.call(document.querySelectorAll('#audit-reads li'), li => li.textContent),
                consents: [].map.call(document.querySelectorAll('#audit-consents li'), li => li.textContent)
            })""")
            summary["audit"] = audit
            check("audit title", audit["title"] == "谁查询了我的行程卡", audit["title"])
            check("audit lists the relayed read", any(r.startswith(partner + " · ") and "验证码查询 · 已查询" in r for r in audit["reads"]),
                  audit["reads"])
            check("audit read time in China time", all(re.search(r" · \d{4}\.\d\d\.\d\d \d\d:\d\d:\d\d · ", r) for r in audit["reads"]),
                  audit["reads"])
            check("consent listed with a withdraw button", any(c.startswith(partner + " · 授权至") and c.endswith("撤销") for c in audit["consents"]),
                  audit["consents"])
            if options.audit_screenshot:
                page.js("document.getElementById('audit').scrollIntoView(); true")
                size = page.js("({width: document.documentElement.scrollWidth, height: document.documentElement.scrollHeight})")
                shot = page.call("Page.captureScreenshot", format="png", captureBeyondViewport=True,
                                 clip=dict(x=0, y=0, width=size["width"], height=size["height"], scale=0.5))
                os.makedirs(os.path.dirname(os.path.abspath(options.audit_screenshot)), exist_ok=True)
                with open(options.audit_screenshot, "wb") as f:
                    f.write(base64.b64decode(shot["data"]))
                summary["audit_screenshot"] = os.path.abspath(options.audit_screenshot)
            page.js("document.querySelector('#audit-consents li button').click(); true")
            page.wait_for("document.querySelectorAll('#audit-consents li button').length === 0", what="the consent withdrawn")
            check("consent withdrawn on the page", page.js("document.getElementById('audit-consents').textContent") == "无",
                  page.js("document.getElementById('audit-consents').textContent"))

        # The token alone brings the card back after a reload.
        page.load(options.url)
        page.wait_for("!document.getElementById('card').hidden", what="the card after reload")
        check("card again from token", page.js("document.getElementById('card-phone').textContent") == masked + "的动态行程卡")

    return run_in_chromium(options.chromium, summary, steps)


if __name__ == "__main__":
    sys.exit(main())
