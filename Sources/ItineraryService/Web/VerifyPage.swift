import Hummingbird

/// `GET /verify`: the venue terminal's page (self-contained, like ``IndexPage``). Every time it
/// loads, and every 30 s while open, it fetches the public keys, the withdrawn key ids and the
/// checkers' limits (`/v1/attestation/keys`) and the place names (`/v1/places`), and keeps them
/// in `localStorage`; it checks each scanned or pasted ``CardCode`` in the browser with
/// WebCrypto Ed25519, offline if need be (with the keys last fetched, as the header says).
/// Where the browser lacks Ed25519 (or WebCrypto, as on plain HTTP to another host) it asks
/// `POST /v1/attestation/verify` once per code instead. A code naming a key it does not know
/// makes it fetch the keys again (a rotation), then refuse. Only a current card in date passes;
/// a gray one shows 灰码 · 不通过; a refused one shows 不通过 and the reason, never its claims.
enum VerifyPage {
    static let response = Responses.page(html)

    static let html = #"""
        <!doctype html>
        <html lang="zh-CN">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width,initial-scale=1">
        <title>行程卡核验</title>
        <style>
        *{box-sizing:border-box}
        body{margin:0;font:18px/1.4 -apple-system,"PingFang SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif;background:#f2f4f7;color:#222}
        header{background:#2b6cc4;color:#fff;padding:10px 16px;display:flex;justify-content:space-between;align-items:center}
        header h1{margin:0;font-size:22px}
        #keys{font-size:14px;opacity:.9}
        main{max-width:760px;margin:0 auto;padding:16px}
        form{display:flex;gap:8px}
        #scan{flex:1;min-width:0;font-size:18px;padding:12px;border:2px solid #2b6cc4;border-radius:8px}
        button{font-size:18px;border:0;border-radius:8px;padding:12px 18px;background:#2b6cc4;color:#fff}
        #result{margin-top:16px;border-radius:14px;padding:20px;color:#fff;background:#888;text-align:center}
        #result.green{background:#1aad19}#result.yellow{background:#f5b800;color:#222}#result.orange{background:#ff7a00}#result.gray{background:#6b7079}#result.refused{background:#d9363e}
        #verdict{font-size:56px;font-weight:700;line-height:1.15}
        #reason{font-size:28px;margin-top:4px}
        #phone{font-size:32px;font-weight:600;margin-top:8px}
        #places{font-size:34px;font-weight:600;margin-top:8px;word-break:break-all}
        #times{font-size:20px;margin-top:8px;opacity:.95}
        [hidden]{display:none!important}
        </style>
        </head>
        <body>
        <header><h1>行程卡核验</h1><span id="keys"></span></header>
        <main>
        <form id="form"><input id="scan" type="text" autocomplete="off" autofocus placeholder="扫描或粘贴核验码 ITC1.…"><button type="submit">核验</button></form>
        <section id="result" hidden>
        <div id="verdict"></div>
        <div id="reason"></div>
        <div id="phone"></div>
        <div id="places"></div>
        <div id="times"></div>
        </section>
        </main>
        <script>
        (function(){
        "use strict";
        var $=function(id){return document.getElementById(id)};
        var KEYS="itinerary.verify.keys",REVOKED="itinerary.verify.revoked",LIMITS="itinerary.verify.limits",PLACES="itinerary.verify.places";
        var COLORS={green:"绿码",yellow:"黄码",orange:"橙码"};
        var REASONS={valid:"有效",no_data:"暂无行程数据（信息不足）",stale:"数据更新滞后（信息不足）",expired:"已过期",lifetime_too_long:"有效期长于服务签发的时长",revoked:"密钥已撤销",bad_signature:"签名无效（被篡改）",unknown_key:"未知密钥",malformed:"不是行程卡核验码",offline:"无法核验（离线且无密钥）"};
        // The service's limits (GET /v1/attestation/keys sends them); these until it has.
        var limits={clock_skew:30,code:180};
        var keys={},revoked={},places={},imported={},lastKeyFetch=0,fetchedAt=0;
        try{keys=JSON.parse(localStorage.getItem(KEYS))||{};revoked=JSON.parse(localStorage.getItem(REVOKED))||{};limits=JSON.parse(localStorage.getItem(LIMITS))||limits;places=JSON.parse(localStorage.getItem(PLACES))||{}}catch(e){}
        function b64(text){
         if(!/^[A-Za-z0-9_-]*$/.test(text))return null;
         try{var s=atob(text.replace(/-/g,"+").replace(/_/g,"/")+"===".slice((text.length+3)%4));}catch(e){return null}
         var out=new Uint8Array(s.length);for(var i=0;i<s.length;i++)out[i]=s.charCodeAt(i);return out
        }
        function b64url(bytes){var s="";bytes.forEach(function(b){s+=String.fromCharCode(b)});return btoa(s).replace(/\+/g,"-").replace(/\//g,"_").replace(/=+$/,"")}
        function num(b,at,n){var v=0;for(var i=0;i<n;i++)v=v*256+b[at+i];return v}
        // The binary payload of ITC1 codes (CardCode.swift documents the layout).
        var STATES=[["green","current"],["yellow","current"],["orange","current"],["gray","no_data"],["gray","stale"]];
        function decode(b){
         if(!b||b.length<27||(b.length-27)%3||b[0]!==1||b[13]>=STATES.length)return null;
         var tail=String(num(b,11,2));
         var p={kid:b64url(b.slice(1,9)),phone:num(b,9,2)+"****"+"0000".slice(tail.length)+tail,color:STATES[b[13]][0],status:STATES[b[13]][1],
          window_days:b[14],watermark:num(b,15,4)===4294967295?null:num(b,15,4),iat:num(b,19,4),exp:num(b,23,4),places:[]};
         for(var i=27;i<b.length;i+=3){var v=num(b,i,3),raw=v&0xFFFFF;
          p.places.push({code:raw<1e6?String(raw):String.fromCharCode((raw-1e6)>>8,(raw-1e6)&255),starred:v>=0x800000})}
         return p
        }
        // Keys, withdrawals and limits: fetched at every load and every 30 s while open, so a
        // withdrawn key or a deleted .pub stops passing within seconds; kept for offline use.
        function fetchKeys(){
         lastKeyFetch=Date.now();
         return Promise.all([fetch("/v1/attestation/keys",{cache:"no-store"}).then(function(r){if(!r.ok)throw r.status;return r.json()}),
          fetch("/v1/places").then(function(r){return r.json()})]).then(function(a){
          keys={};a[0].keys.forEach(function(k){keys[k.kid]=k.public_key});
          revoked={};(a[0].revoked||[]).forEach(function(k){revoked[k.kid]=k.revoked_at;delete keys[k.kid]});
          limits={clock_skew:a[0].clock_skew,code:a[0].max_lifetime.code};places=a[1].places;imported={};fetchedAt=Date.now();
          try{localStorage.setItem(KEYS,JSON.stringify(keys));localStorage.setItem(REVOKED,JSON.stringify(revoked));localStorage.setItem(LIMITS,JSON.stringify(limits));localStorage.setItem(PLACES,JSON.stringify(places))}catch(e){}
          showKeys()
         })
        }
        function refresh(){fetchKeys().catch(function(){showKeys()})}
        function showKeys(){
         var n=Object.keys(keys).length,el=$("keys");
         el.textContent=n?"已缓存"+n+"个公钥"+(fetchedAt?"，"+clock(fetchedAt/1000)+"更新":"")+(Date.now()-fetchedAt>120000?"（未能更新，离线核验）":""):"未获取公钥";
         el.setAttribute("data-fetched",fetchedAt?String(fetchedAt):"")
        }
        function server(text){
         return fetch("/v1/attestation/verify",{method:"POST",headers:{"Content-Type":"application/json"},body:JSON.stringify({attestation:text})})
          .then(function(r){return r.json()}).then(function(j){
           var p=j.payload;if(p)p={kid:p.kid,phone:p.phone,color:p.color,status:p.status,window_days:p.window_days,watermark:p.watermark,iat:p.iat,exp:p.exp,places:p.places};
           return{reason:j.reason,payload:p,by:"server"}
          })
        }
        function check(text){
         var m=/^ITC1\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/.exec(text);
         if(!m)return Promise.resolve({reason:"malformed"});
         var p=decode(b64(m[1])),sig=b64(m[2]);
         if(!p||!sig||sig.length!==64)return Promise.resolve({reason:"malformed"});
         if(revoked[p.kid])return Promise.resolve({reason:"revoked"});
         if(!keys[p.kid]){
          // A key published after the last fetch (a rotation): fetch again, at most every 10 s.
          if(Date.now()-lastKeyFetch>10000)return fetchKeys().then(function(){return keys[p.kid]||revoked[p.kid]?check(text):{reason:"unknown_key"}},function(){return{reason:"unknown_key"}});
          return Promise.resolve({reason:"unknown_key"});
         }
         if(!window.crypto||!crypto.subtle)return server(text);
         var key=imported[p.kid]||(imported[p.kid]=crypto.subtle.importKey("raw",b64(keys[p.kid]),{name:"Ed25519"},false,["verify"]));
         var signed=new TextEncoder().encode(text.slice(0,text.lastIndexOf(".")));
         return key.then(function(k){return crypto.subtle.verify({name:"Ed25519"},k,sig,signed)}).then(function(ok){
          if(!ok)return{reason:"bad_signature",by:"browser"};
          var now=Date.now()/1000,life=p.exp-p.iat;
          if(life<=0)return{reason:"malformed",by:"browser"};
          if(life>limits.code)return{reason:"lifetime_too_long",by:"browser"};
          if(now>=p.exp+limits.clock_skew||p.iat>now+limits.clock_skew)return{reason:"expired",by:"browser"};
          return{reason:p.status==="current"?"valid":p.status,payload:p,by:"browser"}
         },function(){delete imported[p.kid];return server(text)})
        }
        function pad(n){return(n<10?"0":"")+n}
        function chinaTime(s){var d=new Date(s*1000+8*3600e3);return d.getUTCFullYear()+"."+pad(d.getUTCMonth()+1)+"."+pad(d.getUTCDate())+" "+clock(s)}
        function clock(s){var d=new Date(s*1000+8*3600e3);return pad(d.getUTCHours())+":"+pad(d.getUTCMinutes())+":"+pad(d.getUTCSeconds())}
        // Only an authentic card in date is described; a refused code shows 不通过 and why, never what it claims.
        function show(v){
         var r=$("result"),ok=v.reason==="valid",gray=v.reason==="no_data"||v.reason==="stale",p=ok||gray?v.payload:null;
         r.hidden=false;r.className=ok?p.color:gray?"gray":"refused";r.setAttribute("data-reason",v.reason);r.setAttribute("data-by",v.by||"");
         $("verdict").textContent=ok?COLORS[p.color]+" · 有效":gray?"灰码 · 不通过":"不通过";
         $("reason").textContent=ok?"":REASONS[v.reason]||v.reason;
         $("phone").textContent=p?p.phone:"";
         $("places").textContent=p&&p.status!=="no_data"?(p.places.length?p.places.map(function(pl){return(places[pl.code]||pl.code)+(pl.starred?"*":"")}).join("，"):"14天内无到访城市"):"";
         $("times").textContent=p?"有效期至 "+chinaTime(p.exp)+(p.watermark!=null?" · 数据截至 "+chinaTime(p.watermark):""):"";
        }
        function run(){
         var text=$("scan").value.trim();$("scan").value="";
         if(!text)return;
         check(text).then(show,function(){show({reason:"offline"})});
         $("scan").focus()
        }
        $("form").addEventListener("submit",function(e){e.preventDefault();run()});
        $("scan").addEventListener("paste",function(){setTimeout(run,0)});
        showKeys();
        refresh();
        setInterval(refresh,30000);
        })();
        </script>
        </body>
        </html>
        """#
}
