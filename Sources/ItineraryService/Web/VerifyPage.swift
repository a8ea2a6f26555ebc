import Hummingbird

/// `GET /verify`: the venue terminal's page (self-contained, like ``IndexPage``). Opened once, it
/// fetches the public keys (`/v1/attestation/keys`) and the place names (`/v1/places`) and keeps
/// them in `localStorage`; from then on it checks each scanned or pasted ``CardCode`` in the
/// browser with WebCrypto Ed25519, offline. Where the browser lacks Ed25519 (or WebCrypto, as on
/// plain HTTP to another host) it asks `POST /v1/attestation/verify` once per code instead. A code
/// naming a key it does not know makes it fetch the keys again once (a rotation), then refuse.
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
        #result.green{background:#1aad19}#result.yellow{background:#f5b800;color:#222}#result.orange{background:#ff7a00}#result.refused{background:#d9363e}
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
        var KEYS="itinerary.verify.keys",PLACES="itinerary.verify.places",SKEW=60;
        var COLORS={green:"绿码",yellow:"黄码",orange:"橙码"};
        var REASONS={valid:"有效",expired:"已过期",bad_signature:"签名无效（被篡改）",unknown_key:"未知密钥",malformed:"不是行程卡核验码",offline:"无法核验（离线且无密钥）"};
        var keys={},places={},imported={},lastKeyFetch=0;
        try{keys=JSON.parse(localStorage.getItem(KEYS))||{};places=JSON.parse(localStorage.getItem(PLACES))||{}}catch(e){}
        function b64(text){
         if(!/^[A-Za-z0-9_-]*$/.test(text))return null;
         try{var s=atob(text.replace(/-/g,"+").replace(/_/g,"/")+"===".slice((text.length+3)%4));}catch(e){return null}
         var out=new Uint8Array(s.length);for(var i=0;i<s.length;i++)out[i]=s.charCodeAt(i);return out
        }
        function b64url(bytes){var s="";bytes.forEach(function(b){s+=String.fromCharCode(b)});return btoa(s).replace(/\+/g,"-").replace(/\//g,"_").replace(/=+$/,"")}
        function num(b,at,n){var v=0;for(var i=0;i<n;i++)v=v*256+b[at+i];return v}
        // The binary payload of ITC1 codes (CardCode.swift documents the layout).
        function decode(b){
         if(!b||b.length<27||(b.length-27)%3||b[0]!==1||b[13]>2)return null;
         var tail=String(num(b,11,2));
         var p={kid:b64url(b.slice(1,9)),phone:num(b,9,2)+"****"+"0000".slice(tail.length)+tail,color:["green","yellow","orange"][b[13]],
          window_days:b[14],watermark:num(b,15,4)===4294967295?null:num(b,15,4),iat:num(b,19,4),exp:num(b,23,4),places:[]};
         for(var i=27;i<b.length;i+=3){var v=num(b,i,3),raw=v&0xFFFFF;
          p.places.push({code:raw<1e6?String(raw):String.fromCharCode((raw-1e6)>>8,(raw-1e6)&255),starred:v>=0x800000})}
         return p
        }
        function fetchKeys(){
         lastKeyFetch=Date.now();
         return Promise.all([fetch("/v1/attestation/keys",{cache:"no-store"}).then(function(r){return r.json()}),
          fetch("/v1/places").then(function(r){return r.json()})]).then(function(a){
          keys={};a[0].keys.forEach(function(k){keys[k.kid]=k.public_key});places=a[1].places;imported={};
          try{localStorage.setItem(KEYS,JSON.stringify(keys));localStorage.setItem(PLACES,JSON.stringify(places))}catch(e){}
          showKeys()
         })
        }
        function showKeys(){var n=Object.keys(keys).length;$("keys").textContent=n?"已缓存"+n+"个公钥，可离线核验":"未获取公钥"}
        function server(text){
         return fetch("/v1/attestation/verify",{method:"POST",headers:{"Content-Type":"application/json"},body:JSON.stringify({attestation:text})})
          .then(function(r){return r.json()}).then(function(j){
           var p=j.payload;if(p)p={kid:p.kid,phone:p.phone,color:p.color,window_days:p.window_days,watermark:p.watermark,iat:p.iat,exp:p.exp,places:p.places};
           return{reason:j.reason,payload:p,by:"server"}
          })
        }
        function check(text){
         var m=/^ITC1\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/.exec(text);
         if(!m)return Promise.resolve({reason:"malformed"});
         var p=decode(b64(m[1])),sig=b64(m[2]);
         if(!p||!sig||sig.length!==64)return Promise.resolve({reason:"malformed"});
         if(!keys[p.kid]){
          // A key published after the last fetch (a rotation): fetch once a minute at most.
          if(Date.now()-lastKeyFetch>60000)return fetchKeys().then(function(){return keys[p.kid]?check(text):{reason:"unknown_key",payload:p}},function(){return{reason:"unknown_key",payload:p}});
          return Promise.resolve({reason:"unknown_key",payload:p});
         }
         if(!window.crypto||!crypto.subtle)return server(text);
         var key=imported[p.kid]||(imported[p.kid]=crypto.subtle.importKey("raw",b64(keys[p.kid]),{name:"Ed25519"},false,["verify"]));
         var signed=new TextEncoder().encode(text.slice(0,text.lastIndexOf(".")));
         return key.then(function(k){return crypto.subtle.verify({name:"Ed25519"},k,sig,signed)}).then(function(ok){
          if(!ok)return{reason:"bad_signature",payload:p,by:"browser"};
          var now=Date.now()/1000;
          return{reason:now>=p.exp+SKEW||p.iat>now+SKEW?"expired":"valid",payload:p,by:"browser"}
         },function(){delete imported[p.kid];return server(text)})
        }
        function pad(n){return(n<10?"0":"")+n}
        function chinaTime(s){var d=new Date(s*1000+8*3600e3);return d.getUTCFullYear()+"."+pad(d.getUTCMonth()+1)+"."+pad(d.getUTCDate())+" "+pad(d.getUTCHours())+":"+pad(d.getUTCMinutes())+":"+pad(d.getUTCSeconds())}
        function show(v){
         var r=$("result"),p=v.payload,ok=v.reason==="valid";
         r.hidden=false;r.className=ok?p.color:"refused";r.setAttribute("data-reason",v.reason);r.setAttribute("data-by",v.by||"");
         $("verdict").textContent=ok?COLORS[p.color]+" · 有效":"不通过";
         $("reason").textContent=ok?"":REASONS[v.reason]||v.reason;
         $("phone").textContent=p?p.phone:"";
         $("places").textContent=p?(p.places.length?p.places.map(function(pl){return(places[pl.code]||pl.code)+(pl.starred?"*":"")}).join("，"):"14天内无到访城市"):"";
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
        if(!Object.keys(keys).length)fetchKeys().catch(function(){});
        })();
        </script>
        </body>
        </html>
        """#
}
