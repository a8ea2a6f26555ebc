import Hummingbird

/// `GET /`: one self-contained page (inline CSS and JS, no outside assets) in the style of the
/// original 通信行程卡. It talks only to the JSON API and keeps the access token in
/// `sessionStorage`, so a reload shows the card again without a new SMS. While the token lives
/// the card shows a QR code of a short-lived ``CardCode`` for venue terminals (`/verify`),
/// fetched again shortly before it expires. In Chinese or English: the browser's language first,
/// then the visible switch (kept in `localStorage`); places are named from the card's `name` or
/// `name_en`, and the code SMS is asked for in the same language. A card that is not `current`
/// (docs/card-states.md) is gray with a banner saying why: 暂无行程数据 (`no_data`) or
/// 数据更新滞后 (`stale`, with the data time and the lag). Below the card, 谁查询了我的行程卡 lists
/// the lookup services' reads of it and their standing consents, each with a button that
/// withdraws it at once (docs/partner-api.md).
enum IndexPage {
    static let response = Responses.page(html, images: "data:")

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
        header{position:relative;background:linear-gradient(#3a7bd5,#2b6cc4);color:#fff;text-align:center;padding:18px 12px 22px}
        #lang{position:absolute;top:8px;right:8px;font-size:13px;padding:3px 8px;background:transparent;border:1px solid #fff;color:#fff}
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
        #card-status{font-size:14px;text-align:left;background:#eef0f3;border-left:4px solid #8a8f98;border-radius:4px;padding:8px 10px;margin:8px 0}
        #card-status b{display:block;font-size:16px}
        #arrow{width:150px;height:150px;margin:12px auto}
        #card-places{text-align:left;font-size:16px;margin:12px 0 0;padding:12px;background:#f7f8fa;border-radius:6px;word-break:break-all}
        #card-places b{font-weight:600}
        .star{color:#d9363e}
        .notes{text-align:left;font-size:12px;color:#888;margin-top:12px}
        .notes p{margin:4px 0}
        #qr-box{margin:14px auto 0}
        #qr{display:block;width:200px;height:200px;margin:0 auto;image-rendering:pixelated}
        #qr-note{font-size:12px;color:#888;margin-top:4px}
        #audit{text-align:left;margin-top:14px;font-size:13px;color:#444}
        #audit h2,#audit h3{font-size:14px;margin:10px 0 4px}
        #audit ul{list-style:none;margin:0;padding:0}
        #audit li{padding:4px 0;border-bottom:1px solid #eef0f3;display:flex;justify-content:space-between;gap:6px;align-items:center}
        #audit li button{font-size:12px;padding:3px 8px;background:#fff;color:#d9363e;border:1px solid #d9363e}
        #again{margin-top:16px;background:#fff;color:#2b6cc4;border:1px solid #2b6cc4;width:100%}
        [hidden]{display:none!important}
        </style>
        </head>
        <body>
        <header><button type="button" id="lang">English</button><h1 data-t="title">通信行程卡</h1><p data-t="slogan">通信大数据行程卡 · 疫情防控，人人有责</p></header>
        <main>
        <section class="panel" id="form-panel">
        <form id="form" novalidate>
        <label class="f" for="phone" data-t="phone">手机号码</label>
        <div class="row"><input id="phone" type="tel" inputmode="numeric" autocomplete="tel" maxlength="32" placeholder="请输入手机号码" data-p="phoneHint">
        <button type="button" id="send" data-t="send">获取验证码</button></div>
        <label class="f" for="code" data-t="code">短信验证码</label>
        <input id="code" type="text" inputmode="numeric" autocomplete="one-time-code" maxlength="6" placeholder="请输入验证码" data-p="codeHint">
        <label class="consent"><input id="consent" type="checkbox"><span data-t="consent">同意并授权运营商查询本人在疫情期间前14天内到访地信息</span></label>
        <button type="submit" id="submit" data-t="submit">查询</button>
        <div id="msg" role="status"></div>
        </form>
        </section>
        <section class="panel" id="card" hidden>
        <div id="card-phone"></div>
        <div id="card-title" data-t="cardTitle">动态行程卡</div>
        <div id="card-time"></div>
        <div id="card-status" role="status" hidden><b id="status-title"></b><span id="status-text"></span></div>
        <svg id="arrow" viewBox="0 0 100 100" aria-label="行程卡颜色"><circle id="arrow-bg" cx="50" cy="50" r="46" fill="#1aad19"/><path d="M30 54 L50 30 L70 54 L58 54 L58 74 L42 74 L42 54 Z" fill="#fff"/></svg>
        <div id="qr-box" hidden><img id="qr" alt="行程卡核验码"><div id="qr-note"></div></div>
        <div id="card-places"></div>
        <div class="notes">
        <p id="note-star" data-t="noteStar">*注：* 表示当前该城市存在中风险或高风险地区，并不表示用户实际到访过这些中高风险地区。</p>
        <p id="note-window">本服务结果包含您在前14天内到访的国家（地区）与停留4小时以上的国内城市。色卡仅对到访地作提醒，不关联健康状况。</p>
        </div>
        <div id="audit" hidden><h2 data-t="auditTitle">谁查询了我的行程卡</h2><ul id="audit-reads"></ul><h3 data-t="consentTitle">查询授权</h3><ul id="audit-consents"></ul></div>
        <button type="button" id="again" data-t="again">查询其他号码</button>
        </section>
        </main>
        <script>
        (function(){
        "use strict";
        var $=function(id){return document.getElementById(id)};
        var TOKEN="itinerary.token";
        var COLORS={green:"#1aad19",yellow:"#f5b800",orange:"#ff7a00",gray:"#8a8f98"};
        var T={zh:{title:"通信行程卡",slogan:"通信大数据行程卡 · 疫情防控，人人有责",phone:"手机号码",phoneHint:"请输入手机号码",send:"获取验证码",code:"短信验证码",codeHint:"请输入验证码",
         consent:"同意并授权运营商查询本人在疫情期间前14天内到访地信息",submit:"查询",cardTitle:"动态行程卡",noteStar:"*注：* 表示当前该城市存在中风险或高风险地区，并不表示用户实际到访过这些中高风险地区。",again:"查询其他号码",
         sent:"验证码已发送",network:"网络错误，请重试",sixDigits:"请输入6位验证码",resend:"{n}秒后重发",whose:"{p}的动态行程卡",updated:"更新于：",visited:"您于前{n}天内到达或途经：",none:"无",sep:"，",
         noteWindow:"本服务结果包含您在前{n}天内到访的国家（地区）与停留4小时以上的国内城市。色卡仅对到访地作提醒，不关联健康状况。",codeUntil:"核验码有效至{t}，自动更新",codeGone:"查询已过期，请重新查询以显示核验码",
         noData:"暂无行程数据",noDataText:"本服务没有该号码前{n}天内的行程记录（未使用本运营商网络、数据尚未送达，或已超过保存期限）。灰色表示信息不足，不能作为绿色通行依据。",
         stale:"数据更新滞后",staleText:"行程数据截至{t}，已滞后约{n}小时，以下仅为截至该时间的行程。卡片为灰色，不能作为通行依据。",
         auditTitle:"谁查询了我的行程卡",consentTitle:"查询授权",relay:"验证码查询",consentRead:"授权查询",readOk:"已查询",readNo:"未获授权",until:"授权至{t}",withdraw:"撤销",noConsents:"无",
         failed:"请求失败（{n}）",triesLeft:"，还可尝试{n}次",retryIn:"（{n}秒后可重试）",qr:"行程卡核验码",arrow:"行程卡颜色",switchTo:"English",
         invalid_phone:"请输入正确的手机号码",consent_required:"请先勾选同意授权",invalid_code:"验证码错误",code_expired:"验证码已过期，请重新获取",too_many_attempts:"验证码错误次数过多，请稍后重新获取",rate_limited:"操作过于频繁，请稍后再试",service_unavailable:"服务繁忙，请稍后再试",payload_too_large:"请求过大",malformed_json:"请求格式错误"},
        en:{title:"Itinerary Card",slogan:"Telecom big-data itinerary card",phone:"Mobile number",phoneHint:"Enter your mobile number",send:"Get code",code:"SMS code",codeHint:"Enter the code",
         consent:"I agree and authorise my carrier to look up the places I visited in the past 14 days",submit:"Look up",cardTitle:"Dynamic itinerary card",noteStar:"* The city currently has a medium- or high-risk area; this does not mean you visited that area.",again:"Look up another number",
         sent:"Code sent",network:"Network error, please retry",sixDigits:"Enter the 6-digit code",resend:"{n} s to resend",whose:"Itinerary card of {p}",updated:"Updated: ",visited:"In the past {n} days you visited or passed through: ",none:"none",sep:", ",
         noteWindow:"Lists the countries (regions) you visited and the mainland cities where you stayed 4 hours or more in the past {n} days. The colour only flags the places visited; it says nothing about health.",codeUntil:"Code valid until {t}, renewed automatically",codeGone:"Session expired: look up again to show the code",
         noData:"No itinerary data",noDataText:"The service holds no records of this number for the past {n} days (not on this carrier's network, data not yet delivered, or past retention). Gray means not enough information: it is not a green card.",
         stale:"Data delayed",staleText:"The records stop at {t}, about {n} h behind; the card shows the places up to then only. It is gray and cannot be used as a pass.",
         auditTitle:"Who read my card",consentTitle:"Standing consents",relay:"with a code",consentRead:"under consent",readOk:"read",readNo:"refused",until:"until {t}",withdraw:"Withdraw",noConsents:"none",
         failed:"Request failed ({n})",triesLeft:", {n} tries left",retryIn:" (retry in {n} s)",qr:"Itinerary card code",arrow:"Card colour",switchTo:"中文",
         invalid_phone:"Enter a valid mobile number",consent_required:"Tick the consent box first",invalid_code:"Wrong code",code_expired:"The code has expired; request a new one",too_many_attempts:"Too many wrong codes; request a new one later",rate_limited:"Too many requests; try again later",service_unavailable:"The service is busy; try again later",payload_too_large:"Request too large",malformed_json:"Malformed request"}};
        var LANG="itinerary.lang",lang=null;
        try{lang=localStorage.getItem(LANG)}catch(e){}
        if(!T[lang])lang=/^zh/i.test((navigator.languages&&navigator.languages[0])||navigator.language||"zh")?"zh":"en";
        function t(key,n,time){return T[lang][key].replace("{n}",n).replace("{p}",n).replace("{t}",time===undefined?n:time)}
        var lastCard=null;
        function applyLanguage(){
         document.documentElement.lang=lang==="zh"?"zh-CN":"en";document.title=t("title");
         [].forEach.call(document.querySelectorAll("[data-t]"),function(el){el.textContent=t(el.getAttribute("data-t"))});
         [].forEach.call(document.querySelectorAll("[data-p]"),function(el){el.placeholder=t(el.getAttribute("data-p"))});
         $("lang").textContent=t("switchTo");$("qr").alt=t("qr");$("arrow").setAttribute("aria-label",t("arrow"));
         if(lastCard&&!$("card").hidden){showCard(lastCard);loadCode();loadAudit()}
        }
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
         var e=res.body&&res.body.error;var text=e&&T[lang][e.code]||(e&&e.message)||t("failed",res.status);
         if(e&&e.code==="invalid_phone"&&lang==="en"&&e.message)text=e.message;
         if(e&&e.code==="invalid_code"&&/(\d+) attempts left/.test(e.message))text+=t("triesLeft",RegExp.$1);
         if(res.retry)text+=t("retryIn",res.retry);
         return text
        }
        function showCard(c){
         lastCard=c;
         $("card-phone").textContent=t("whose",c.phone);
         $("card-title").textContent=t("cardTitle");
         // The card is the card at the data time, and says so.
         $("card-time").textContent=t("updated")+chinaTime(c.card_time||c.generated_at);
         $("card").setAttribute("data-status",c.status||"current");
         $("card-status").hidden=c.status!=="no_data"&&c.status!=="stale";
         if(c.status==="no_data"){$("status-title").textContent=t("noData");$("status-text").textContent=t("noDataText",c.window_days)}
         if(c.status==="stale"){$("status-title").textContent=t("stale");$("status-text").textContent=t("staleText",Math.round((c.data_lag_seconds||0)/3600),c.watermark?chinaTime(c.watermark):"—")}
         $("arrow-bg").setAttribute("fill",COLORS[c.color]||COLORS.gray);
         $("arrow").setAttribute("data-color",c.color);
         var p=$("card-places");p.textContent="";
         var lead=document.createElement("span");lead.textContent=t("visited",c.window_days);p.appendChild(lead);
         var b=document.createElement("b");
         if(!c.places.length)b.textContent=c.status==="no_data"?t("noData"):t("none");
         c.places.forEach(function(pl,i){
          if(i)b.appendChild(document.createTextNode(t("sep")));
          b.appendChild(document.createTextNode(lang==="en"&&pl.name_en||pl.name));
          if(pl.starred){var s=document.createElement("span");s.className="star";s.textContent="*";b.appendChild(s)}
         });
         p.appendChild(b);
         $("note-star").hidden=!c.places.some(function(pl){return pl.starred});
         $("note-window").textContent=t("noteWindow",c.window_days);
         $("form-panel").hidden=true;$("card").hidden=false;
        }
        function item(text,button,onclick){var li=document.createElement("li");var s=document.createElement("span");s.textContent=text;li.appendChild(s);
         if(button){var b=document.createElement("button");b.type="button";b.textContent=button;b.addEventListener("click",onclick);li.appendChild(b)}return li}
        // 谁查询了我的行程卡: the lookup services' reads and consents, for the holder of the token only.
        function loadAudit(){
         var token=null;try{token=sessionStorage.getItem(TOKEN)}catch(e){}
         if(!token)return;
         api("GET","/v1/itinerary/partners",null,token).then(function(r){
          if(r.status!==200)return;
          var reads=$("audit-reads"),consents=$("audit-consents");reads.textContent="";consents.textContent="";
          r.body.reads.forEach(function(x){reads.appendChild(item(x.partner+" · "+chinaTime(x.at)+" · "+t(x.purpose==="relay"?"relay":"consentRead")+" · "+t(x.outcome==="card"?"readOk":"readNo")))});
          r.body.consents.forEach(function(c){consents.appendChild(item(c.partner+" · "+t("until",0,chinaTime(c.expires_at)),t("withdraw"),function(){
           api("DELETE","/v1/itinerary/partners/"+encodeURIComponent(c.client_id),null,token).then(loadAudit)}))});
          if(!r.body.consents.length)consents.appendChild(item(t("noConsents")));
          $("audit").hidden=!r.body.reads.length&&!r.body.consents.length;
         });
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
           $("qr-note").textContent=t("codeUntil",chinaTime(r.body.expires_at).slice(11));
           $("qr-box").hidden=false;
           codeTimer=setTimeout(loadCode,Math.max(10,r.body.expires_in-60)*1000);
          }else if(r.status===401){$("qr").hidden=true;$("qr-note").textContent=t("codeGone")}
          else codeTimer=setTimeout(loadCode,15000);
         },function(){codeTimer=setTimeout(loadCode,15000)});
        }
        var timer=null;
        function countdown(s){
         var btn=$("send");btn.disabled=true;clearInterval(timer);
         (function tick(){if(s<=0){clearInterval(timer);btn.disabled=false;btn.textContent=t("send");return}btn.textContent=t("resend",s);s--})();
         timer=setInterval(function(){var m=/^(\d+)/.exec(btn.textContent);var left=m?+m[1]-1:0;if(left<=0){clearInterval(timer);btn.disabled=false;btn.textContent=t("send")}else btn.textContent=t("resend",left)},1000);
        }
        $("send").addEventListener("click",function(){
         var phone=$("phone").value.trim();
         if(!phone){say(t("invalid_phone"));return}
         $("send").disabled=true;say("");
         api("POST","/v1/otp",{phone:phone,lang:lang}).then(function(r){
          if(r.status===200){say(t("sent"),true);countdown(r.body.resend_after||60);$("code").focus()}
          else{say(errorText(r));if(r.retry)countdown(+r.retry);else $("send").disabled=false}
         },function(){say(t("network"));$("send").disabled=false});
        });
        $("form").addEventListener("submit",function(ev){
         ev.preventDefault();
         if(!$("consent").checked){say(t("consent_required"));return}
         var code=$("code").value.trim();
         if(!/^\d{6}$/.test(code)){say(t("sixDigits"));return}
         $("submit").disabled=true;say("");
         api("POST","/v1/itinerary",{phone:$("phone").value.trim(),code:code,consent:true}).then(function(r){
          $("submit").disabled=false;
          if(r.status===200){try{sessionStorage.setItem(TOKEN,r.body.token)}catch(e){}showCard(r.body);loadCode();loadAudit()}
          else say(errorText(r));
         },function(){$("submit").disabled=false;say(t("network"))});
        });
        $("lang").addEventListener("click",function(){lang=lang==="zh"?"en":"zh";try{localStorage.setItem(LANG,lang)}catch(e){}applyLanguage()});
        applyLanguage();
        $("again").addEventListener("click",function(){clearTimeout(codeTimer);$("qr-box").hidden=true;$("audit").hidden=true;try{sessionStorage.removeItem(TOKEN)}catch(e){}$("code").value="";say("");showForm()});
        var saved=null;try{saved=sessionStorage.getItem(TOKEN)}catch(e){}
        if(saved){api("GET","/v1/itinerary",null,saved).then(function(r){if(r.status===200){showCard(r.body);loadCode();loadAudit()}else{try{sessionStorage.removeItem(TOKEN)}catch(e){}}})}
        })();
        </script>
        </body>
        </html>
        """#
}
