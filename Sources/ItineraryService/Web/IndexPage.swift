import Hummingbird

/// `GET /`: one self-contained page (inline CSS and JS, no outside assets) in the style of the
/// original 通信行程卡. It talks only to the JSON API and keeps the access token in
/// `sessionStorage`, so a reload shows the card again without a new SMS. While the token lives
/// the card shows a QR code of a short-lived ``CardCode`` for venue terminals (`/verify`),
/// fetched again shortly before it expires.
enum IndexPage {
    static let response: Response = {
        var response = Responses.text(html, contentType: "text/html; charset=utf-8", cacheControl: "no-cache")
        response.headers[.contentSecurityPolicy] =
            "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
        response.headers[.init("Referrer-Policy")!] = "no-referrer"
        return response
    }()

    static let html = #"""
<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>通信行程卡</title>
<style>
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 -apple-system,"PingFang SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif;background:#f2f4f7;color:#222}
header{background:linear-gradient(#3a7bd5,#2b6cc4);color:#fff;text-align:center;padding:18px 12px 22px}
header h1{margin:0;font-size:20px;font-weight:600;letter-spacing:1px}
header p{margin:4px 0 0;font-size:13px;opacity:.85}
main{max-width:480px;margin:-12px auto 0;padding:0 12px 24px}
.panel{background:#fff;border-radius:10px;padding:18px 16px;box-shadow:0 1px 4px rgba(0,0,0,.08)}
label.f{display:block;font-size:14px;color:#555;margin:10px 0 4px}
.row{display:flex;gap:8px}
input[type=tel],input[type=text]{flex:1;min-width:0;width:100%;font-size:17px;padding:10px;border:1px solid #ccd;border-radius:6px}
button{font-size:16px;border:0;border-radius:6px;padding:10px 12px;background:#2b6cc4;color:#fff;cursor:pointer}
button:disabled{background:#9bb5dc;cursor:default}
#send{white-space:nowrap;background:#fff;color:#2b6cc4;border:1px solid #2b6cc4}
#send:disabled{color:#999;border-color:#ccc}
#submit{display:block;width:100%;margin-top:16px;padding:12px}
.consent{display:flex;gap:8px;align-items:flex-start;font-size:13px;color:#555;margin-top:14px}
.consent input{margin-top:3px}
#msg{min-height:1.5em;font-size:14px;color:#d9363e;margin-top:10px}
#msg.ok{color:#1a8c3a}
#card{text-align:center}
#card-phone{font-size:18px;font-weight:600;margin:4px 0 0}
#card-title{font-size:15px;color:#555}
#card-time{font-size:14px;color:#666;margin:8px 0 4px}
#arrow{width:150px;height:150px;margin:12px auto}
#card-places{text-align:left;font-size:16px;margin:12px 0 0;padding:12px;background:#f7f8fa;border-radius:6px;word-break:break-all}
#card-places b{font-weight:600}
.star{color:#d9363e}
.notes{text-align:left;font-size:12px;color:#888;margin-top:12px}
.notes p{margin:4px 0}
#qr-box{margin:14px auto 0}
#qr{display:block;width:200px;height:200px;margin:0 auto;image-rendering:pixelated}
#qr-note{font-size:12px;color:#888;margin-top:4px}
#again{margin-top:16px;background:#fff;color:#2b6cc4;border:1px solid #2b6cc4;width:100%}
[hidden]{display:none!important}
</style>
</head>
<body>
<header><h1>通信行程卡</h1><p>通信大数据行程卡 · 疫情防控，人人有责</p></header>
<main>
<section class="panel" id="form-panel">
<form id="form" novalidate>
<label class="f" for="phone">手机号码</label>
<div class="row"><input id="phone" type="tel" inputmode="numeric" autocomplete="tel" maxlength="14" placeholder="请输入手机号码">
<button type="button" id="send">获取验证码</button></div>
<label class="f" for="code">短信验证码</label>
<input id="code" type="text" inputmode="numeric" autocomplete="one-time-code" maxlength="6" placeholder="请输入验证码">
<label class="consent"><input id="consent" type="checkbox"><span>同意并授权运营商查询本人在疫情期间前14天内到访地信息</span></label>
<button type="submit" id="submit">查询</button>
<div id="msg" role="status"></div>
</form>
</section>
<section class="panel" id="card" hidden>
<div id="card-phone"></div>
<div id="card-title">动态行程卡</div>
<div id="card-time"></div>
<svg id="arrow" viewBox="0 0 100 100" aria-label="行程卡颜色"><circle id="arrow-bg" cx="50" cy="50" r="46" fill="#1aad19"/><path d="M30 54 L50 30 L70 54 L58 54 L58 74 L42 74 L42 54 Z" fill="#fff"/></svg>
<div id="qr-box" hidden><img id="qr" alt="行程卡核验码"><div id="qr-note"></div></div>
<div id="card-places"></div>
<div class="notes">
<p id="note-star">*注：* 表示当前该城市存在中风险或高风险地区，并不表示用户实际到访过这些中高风险地区。</p>
<p id="note-window">本服务结果包含您在前14天内到访的国家（地区）与停留4小时以上的国内城市。色卡仅对到访地作提醒，不关联健康状况。</p>
</div>
<button type="button" id="again">查询其他号码</button>
</section>
</main>
<script>
(function(){
"use strict";
var $=function(id){return document.getElementById(id)};
var TOKEN="itinerary.token";
var COLORS={green:"#1aad19",yellow:"#f5b800",orange:"#ff7a00"};
var MESSAGES={invalid_phone:"请输入正确的手机号码",consent_required:"请先勾选同意授权",invalid_code:"验证码错误",code_expired:"验证码已过期，请重新获取",too_many_attempts:"验证码错误次数过多，请稍后重新获取",rate_limited:"操作过于频繁，请稍后再试",service_unavailable:"服务繁忙，请稍后再试",payload_too_large:"请求过大",malformed_json:"请求格式错误"};
function say(text,ok){var m=$("msg");m.textContent=text||"";m.className=ok?"ok":""}
function pad(n){return(n<10?"0":"")+n}
function chinaTime(iso){var d=new Date(Date.parse(iso)+8*3600e3);return d.getUTCFullYear()+"."+pad(d.getUTCMonth()+1)+"."+pad(d.getUTCDate())+" "+pad(d.getUTCHours())+":"+pad(d.getUTCMinutes())+":"+pad(d.getUTCSeconds())}
function api(method,path,body,token){
 var headers={"Accept":"application/json"};
 if(body)headers["Content-Type"]="application/json";
 if(token)headers["Authorization"]="Bearer "+token;
 return fetch(path,{method:method,headers:headers,body:body?JSON.stringify(body):undefined,cache:"no-store"}).then(function(r){
  return r.json().catch(function(){return{}}).then(function(j){return{status:r.status,body:j,retry:r.headers.get("Retry-After")}})
 })
}
function errorText(res){
 var e=res.body&&res.body.error;var t=e&&MESSAGES[e.code]||(e&&e.message)||"请求失败（"+res.status+"）";
 if(e&&e.code==="invalid_code"&&/(\d+) attempts left/.test(e.message))t+="，还可尝试"+RegExp.$1+"次";
 if(res.retry)t+="（"+res.retry+"秒后可重试）";
 return t
}
function showCard(c){
 $("card-phone").textContent=c.phone+"的动态行程卡";
 $("card-title").textContent="动态行程卡";
 $("card-time").textContent="更新于："+chinaTime(c.generated_at);
 $("arrow-bg").setAttribute("fill",COLORS[c.color]||COLORS.green);
 $("arrow").setAttribute("data-color",c.color);
 var p=$("card-places");p.textContent="";
 var lead=document.createElement("span");lead.textContent="您于前"+c.window_days+"天内到达或途经：";p.appendChild(lead);
 var b=document.createElement("b");
 if(!c.places.length)b.textContent="无";
 c.places.forEach(function(pl,i){
  if(i)b.appendChild(document.createTextNode("，"));
  b.appendChild(document.createTextNode(pl.name));
  if(pl.starred){var s=document.createElement("span");s.className="star";s.textContent="*";b.appendChild(s)}
 });
 p.appendChild(b);
 $("note-star").hidden=!c.places.some(function(pl){return pl.starred});
 $("note-window").textContent="本服务结果包含您在前"+c.window_days+"天内到访的国家（地区）与停留4小时以上的国内城市。色卡仅对到访地作提醒，不关联健康状况。";
 $("form-panel").hidden=true;$("card").hidden=false;
}
function showForm(){$("card").hidden=true;$("form-panel").hidden=false}
var codeTimer=null;
// The code expires in minutes so a screenshot stops verifying: fetch a new one a minute early.
function loadCode(){
 clearTimeout(codeTimer);
 var token=null;try{token=sessionStorage.getItem(TOKEN)}catch(e){}
 if(!token||$("card").hidden)return;
 api("GET","/v1/itinerary/code",null,token).then(function(r){
  if(r.status===200){
   $("qr").src="data:image/svg+xml,"+encodeURIComponent(r.body.qr_svg);
   $("qr").setAttribute("data-code",r.body.code);$("qr").hidden=false;
   $("qr-note").textContent="核验码有效至"+chinaTime(r.body.expires_at).slice(11)+"，自动更新";
   $("qr-box").hidden=false;
   codeTimer=setTimeout(loadCode,Math.max(10,r.body.expires_in-60)*1000);
  }else if(r.status===401){$("qr").hidden=true;$("qr-note").textContent="查询已过期，请重新查询以显示核验码"}
  else codeTimer=setTimeout(loadCode,15000);
 },function(){codeTimer=setTimeout(loadCode,15000)});
}
var timer=null;
function countdown(s){
 var btn=$("send");btn.disabled=true;clearInterval(timer);
 (function tick(){if(s<=0){clearInterval(timer);btn.disabled=false;btn.textContent="获取验证码";return}btn.textContent=s+"秒后重发";s--})();
 timer=setInterval(function(){var m=/^(\d+)/.exec(btn.textContent);var left=m?+m[1]-1:0;if(left<=0){clearInterval(timer);btn.disabled=false;btn.textContent="获取验证码"}else btn.textContent=left+"秒后重发"},1000);
}
$("send").addEventListener("click",function(){
 var phone=$("phone").value.trim();
 if(!/^(\+?86)?1[3-9]\d{9}$/.test(phone.replace(/[\s-]/g,""))){say(MESSAGES.invalid_phone);return}
 $("send").disabled=true;say("");
 api("POST","/v1/otp",{phone:phone}).then(function(r){
  if(r.status===200){say("验证码已发送",true);countdown(r.body.resend_after||60);$("code").focus()}
  else{say(errorText(r));if(r.retry)countdown(+r.retry);else $("send").disabled=false}
 },function(){say("网络错误，请重试");$("send").disabled=false});
});
$("form").addEventListener("submit",function(ev){
 ev.preventDefault();
 if(!$("consent").checked){say(MESSAGES.consent_required);return}
 var code=$("code").value.trim();
 if(!/^\d{6}$/.test(code)){say("请输入6位验证码");return}
 $("submit").disabled=true;say("");
 api("POST","/v1/itinerary",{phone:$("phone").value.trim(),code:code,consent:true}).then(function(r){
  $("submit").disabled=false;
  if(r.status===200){try{sessionStorage.setItem(TOKEN,r.body.token)}catch(e){}showCard(r.body);loadCode()}
  else say(errorText(r));
 },function(){$("submit").disabled=false;say("网络错误，请重试")});
});
$("again").addEventListener("click",function(){clearTimeout(codeTimer);$("qr-box").hidden=true;try{sessionStorage.removeItem(TOKEN)}catch(e){}$("code").value="";say("");showForm()});
var saved=null;try{saved=sessionStorage.getItem(TOKEN)}catch(e){}
if(saved){api("GET","/v1/itinerary",null,saved).then(function(r){if(r.status===200){showCard(r.body);loadCode()}else{try{sessionStorage.removeItem(TOKEN)}catch(e){}}})}
})();
</script>
</body>
</html>
"""#
}
