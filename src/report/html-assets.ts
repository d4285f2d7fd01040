/**
 * The HTML report's stylesheet and script, inlined into the page (the report is one file that
 * works offline: no fonts, scripts or images are fetched). The script only adds conveniences
 * (graph pages, finding filters); everything is readable with scripts off.
 */

export const REPORT_CSS = `
:root{--bg:#f7f8fa;--card:#fff;--fg:#1d2330;--muted:#5b6476;--line:#dde1e8;--accent:#3454d1;
--critical:#a4001d;--high:#d9480f;--medium:#b68200;--low:#1c7ed6;--info:#6c757d;--shared:#e8590c;--shared-bg:#fff4e6;
--used:#2f9e44;--granted:#e9ecef;--code:#f1f3f5;}
@media (prefers-color-scheme: dark){:root{--bg:#14171d;--card:#1c2028;--fg:#e6e9ef;--muted:#9aa3b2;--line:#2d3340;--accent:#8ea2ff;
--critical:#ff6b6b;--high:#ff922b;--medium:#fcc419;--low:#74c0fc;--info:#adb5bd;--shared:#ff922b;--shared-bg:#2b2116;--used:#51cf66;--granted:#2d3340;--code:#232833;}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
main{max-width:1180px;margin:0 auto;padding:24px 20px 60px}
h1{font-size:26px;margin:0 0 4px}h2{font-size:20px;margin:36px 0 8px;padding-bottom:4px;border-bottom:1px solid var(--line)}
h3{font-size:16px;margin:20px 0 8px}
p.lead,.muted{color:var(--muted)}p.lead{margin:4px 0 16px;max-width:900px}
code,pre{font:13px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace}
code{background:var(--code);padding:1px 4px;border-radius:4px;overflow-wrap:anywhere}
pre{background:var(--code);padding:10px 12px;border-radius:6px;overflow:auto;max-height:420px;margin:8px 0}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0}
.card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:12px 16px;min-width:120px}
.card .n{font-size:28px;font-weight:650;line-height:1.1}.card .l{color:var(--muted);font-size:13px}
.card.sev-critical .n{color:var(--critical)}.card.sev-high .n{color:var(--high)}.card.sev-medium .n{color:var(--medium)}
.card.sev-low .n{color:var(--low)}.card.sev-info .n{color:var(--info)}.card.zero .n{color:var(--muted);font-weight:400}
.card.shared .n{color:var(--shared)}
.notice{border-left:4px solid var(--medium);background:var(--card);padding:10px 14px;border-radius:6px;margin:12px 0}
.notice.partial{border-color:var(--high)}.notice ul{margin:6px 0 0;padding-left:20px}
.badge{display:inline-block;font-size:12px;font-weight:650;letter-spacing:.03em;text-transform:uppercase;padding:1px 8px;border-radius:999px;color:#fff;vertical-align:1px}
.badge.sev-critical{background:var(--critical)}.badge.sev-high{background:var(--high)}.badge.sev-medium{background:var(--medium)}
.badge.sev-low{background:var(--low)}.badge.sev-info{background:var(--info)}.badge.suppressed{background:var(--muted)}
.graph-wrap{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:12px;overflow-x:auto}
.graph-nav{display:flex;align-items:center;gap:8px;margin:0 0 8px;flex-wrap:wrap}
.graph-nav button{font:inherit;padding:3px 10px;border:1px solid var(--line);background:var(--card);color:var(--fg);border-radius:6px;cursor:pointer}
.graph-nav button:disabled{opacity:.4;cursor:default}
figure.graph-page{margin:0 0 16px}figure.graph-page figcaption{color:var(--muted);font-size:13px;margin-bottom:4px}
svg.graph{max-width:100%;height:auto;font:12.5px system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif}
svg.graph .fn rect{fill:var(--card);stroke:var(--line)}svg.graph text{fill:var(--fg)}svg.graph .region{fill:var(--muted);font-size:11px}
svg.graph .role rect{fill:var(--card);stroke:var(--muted)}
svg.graph .edge{fill:none;stroke:var(--muted);stroke-opacity:.45;stroke-width:1.2}
svg.graph .shared .edge{stroke:var(--shared);stroke-opacity:.8;stroke-width:1.6}
svg.graph .shared .role rect{fill:var(--shared-bg);stroke:var(--shared);stroke-width:2}
svg.graph .shared .role text{font-weight:650}svg.graph .badge{fill:var(--shared);font-weight:700}
svg.graph .band{fill:var(--shared-bg);opacity:.55}
svg.graph .missing .role rect{stroke-dasharray:4 3}
svg.graph .cluster:hover .edge{stroke:var(--accent);stroke-opacity:1;stroke-width:2}
svg.graph .sev-critical{fill:var(--critical)}svg.graph .sev-high{fill:var(--high)}svg.graph .sev-medium{fill:var(--medium)}
svg.graph .sev-low{fill:var(--low)}svg.graph .sev-info{fill:var(--info)}
.legend{display:flex;gap:18px;flex-wrap:wrap;color:var(--muted);font-size:13px;margin:8px 0}
.legend i{display:inline-block;width:14px;height:10px;border-radius:3px;margin-right:6px;vertical-align:0}
.legend .l-shared{background:var(--shared-bg);border:2px solid var(--shared)}.legend .l-single{border:1px solid var(--muted)}
.legend .l-dot{width:10px;border-radius:50%;background:var(--high)}
table{border-collapse:collapse;width:100%;background:var(--card);border:1px solid var(--line);border-radius:10px;overflow:hidden}
th,td{text-align:left;padding:7px 10px;border-bottom:1px solid var(--line);vertical-align:top}
th{font-size:13px;color:var(--muted);font-weight:600;background:var(--bg)}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
table.usage td:first-child{min-width:210px}
.bar{position:relative;height:14px;background:var(--granted);border-radius:7px;overflow:hidden;min-width:160px}
.bar .used{position:absolute;left:0;top:0;bottom:0;background:var(--used);border-radius:7px}
.bar.unknown{background:repeating-linear-gradient(45deg,var(--granted),var(--granted) 6px,transparent 6px,transparent 12px);border:1px dashed var(--muted)}
.bar-note{font-size:12.5px;color:var(--muted)}
.filters{display:flex;flex-wrap:wrap;gap:10px;align-items:center;margin:8px 0 14px}
.filters input[type=search]{font:inherit;padding:5px 10px;border:1px solid var(--line);border-radius:6px;background:var(--card);color:var(--fg);min-width:320px}
.filters label{font-size:14px;color:var(--muted)}
article.finding{background:var(--card);border:1px solid var(--line);border-left:4px solid var(--info);border-radius:8px;padding:12px 16px;margin:10px 0}
article.finding.sev-critical{border-left-color:var(--critical)}article.finding.sev-high{border-left-color:var(--high)}
article.finding.sev-medium{border-left-color:var(--medium)}article.finding.sev-low{border-left-color:var(--low)}
article.finding.is-suppressed{opacity:.62;border-left-color:var(--muted)}
article.finding h3{margin:0 0 4px;font-size:15.5px}article.finding .msg{margin:6px 0}
article.finding dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:8px 0;font-size:14px}
article.finding dt{color:var(--muted)}article.finding dd{margin:0;overflow-wrap:anywhere}
details>summary{cursor:pointer;color:var(--accent);font-size:14px}
.diff .add{color:var(--used)}.diff .del{color:var(--critical)}.diff .hunk{color:var(--muted)}
footer{margin-top:40px;color:var(--muted);font-size:13px}
.hidden{display:none!important}
`;

/** Graph pagination and finding filters. Static text: nothing from the inputs is interpolated. */
export const REPORT_JS = `
(function(){
  var pages=[].slice.call(document.querySelectorAll('figure.graph-page'));
  var nav=document.getElementById('graph-nav');
  if(pages.length>1&&nav){
    var i=0,label=document.getElementById('graph-page-label'),prev=document.getElementById('graph-prev'),next=document.getElementById('graph-next');
    var show=function(){pages.forEach(function(p,k){p.classList.toggle('hidden',k!==i)});label.textContent='Page '+(i+1)+' of '+pages.length;prev.disabled=i===0;next.disabled=i===pages.length-1;};
    prev.addEventListener('click',function(){if(i>0){i--;show();}});
    next.addEventListener('click',function(){if(i<pages.length-1){i++;show();}});
    nav.classList.remove('hidden');show();
  }
  var q=document.getElementById('finding-filter');
  var boxes=[].slice.call(document.querySelectorAll('input[data-sev-toggle]'));
  var cards=[].slice.call(document.querySelectorAll('article.finding[data-sev]'));
  var count=document.getElementById('finding-count');
  var apply=function(){
    var text=(q&&q.value||'').toLowerCase().trim(),on={},shown=0;
    boxes.forEach(function(b){on[b.getAttribute('data-sev-toggle')]=b.checked});
    cards.forEach(function(c){var ok=on[c.getAttribute('data-sev')]!==false&&(!text||(c.getAttribute('data-text')||'').indexOf(text)>=0);c.classList.toggle('hidden',!ok);if(ok)shown++;});
    if(count)count.textContent=shown+' of '+cards.length+' shown';
  };
  if(q)q.addEventListener('input',apply);
  boxes.forEach(function(b){b.addEventListener('change',apply)});
  var f=document.getElementById('filters');if(f&&cards.length>0){f.classList.remove('hidden');apply();}
})();
`;
