/// The citizen portal's Mustache templates, its one stylesheet and its one script (issue 14).
///
/// Templates hold no words, only catalogue keys (`{{t.nav_overview}}`), so each page is the same
/// in every language; `PortalPagesTests` checks every key exists in both catalogues. Every page
/// is rendered into `layout` (`{{{body}}}`). No `style=` attribute and no event handler anywhere:
/// the CSP allows exactly the inline `<style>` and `<script>` below, by hash.
enum PortalTemplates {
    /// Every template by name (the name `PortalPages` renders).
    static let all: [(name: String, text: String)] = [
        ("layout", layout), ("landing", landing), ("overview", overview), ("platforms", platforms), ("history", history),
        ("suspend-confirm", suspendConfirm), ("ward-confirm", wardConfirm), ("signed-out", signedOut),
        ("refused", refused), ("error", error),
    ]

    /// The only script of the portal: it remembers the browser's time zone (dates are shown in
    /// it) in a cookie the server reads; without it, dates are in the service's zone.
    static let script = """
        try{document.cookie='__Host-cyberid_tz='+encodeURIComponent(Intl.DateTimeFormat().resolvedOptions().timeZone)\
        +';path=/;secure;samesite=lax;max-age=31536000';}catch(e){}
        """

    /// Plain and calm: system fonts, one column of at most 48rem, visible focus, contrast at
    /// least 4.5:1 for every text (WCAG AA), the network number selectable at one click.
    static let style = """
        .nowrap{white-space:nowrap}\
        *,*::before,*::after{box-sizing:border-box}\
        body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","PingFang SC",\
        "Microsoft YaHei",sans-serif;line-height:1.6;color:#1b1f24;background:#f3f4f6}\
        a{color:#0b57d0}a:hover{color:#0842a0}\
        a:focus,button:focus,input:focus,select:focus{outline:3px solid #e8a200;outline-offset:2px}\
        .skip-link{position:absolute;left:-9999px;top:0}\
        .skip-link:focus{left:1rem;top:1rem;z-index:10;background:#fff;color:#0b57d0;padding:.5rem 1rem}\
        .site{background:#112e51;color:#fff}\
        .site .bar{max-width:48rem;margin:0 auto;padding:.6rem 1rem;display:flex;flex-wrap:wrap;\
        align-items:center;justify-content:space-between;gap:.75rem}\
        .site a{color:#fff}.site a:hover{color:#fff}.brand{font-weight:700;font-size:1.25rem;text-decoration:none}\
        .site ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:1.25rem}\
        .site a[aria-current]{font-weight:700;text-decoration-thickness:3px}\
        .site form{margin:0}.site button{background:transparent;color:#fff;border:1px solid #fff}\
        main{display:block;max-width:48rem;margin:1.5rem auto;padding:1.5rem;background:#fff;\
        border:1px solid #d0d7de;border-radius:.5rem}\
        h1{font-size:1.75rem;line-height:1.25;margin:0 0 1rem}h2{font-size:1.3rem;margin:2rem 0 .75rem}\
        h3{font-size:1.05rem;margin:1.25rem 0 .5rem}.lead{font-size:1.15rem}\
        .hint{color:#4f5660;font-size:.9rem}\
        .number{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;letter-spacing:.05em;\
        user-select:all;-webkit-user-select:all}\
        #network-number{font-size:1.5rem;font-weight:600}\
        code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;word-break:break-all}\
        .facts{display:grid;grid-template-columns:minmax(8rem,max-content) 1fr;gap:.5rem 1.5rem;margin:0}\
        .facts dt{font-weight:600}.facts dd{margin:0}\
        table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}\
        caption{text-align:left;font-weight:600;padding:.25rem 0}\
        th,td{text-align:left;vertical-align:top;padding:.5rem;border-bottom:1px solid #d0d7de}\
        thead th{border-bottom:2px solid #1b1f24}\
        button,.button{display:inline-block;font:inherit;font-weight:600;line-height:1.4;padding:.5rem 1rem;\
        border-radius:.25rem;border:1px solid #0b57d0;background:#0b57d0;color:#fff;cursor:pointer;\
        text-decoration:none}\
        a.button,a.button:hover{color:#fff}button:hover,a.button:hover{background:#0842a0}\
        button.danger{background:#b3261e;border-color:#b3261e}button.danger:hover{background:#8c1d18}\
        form{margin:.5rem 0}fieldset{border:1px solid #d0d7de;border-radius:.25rem;padding:1rem}\
        legend{font-weight:600;padding:0 .25rem}label{display:block;font-weight:600}\
        select,input{font:inherit;padding:.4rem;border:1px solid #5c636c;border-radius:.25rem;background:#fff;\
        color:#1b1f24}\
        .fields{display:flex;flex-wrap:wrap;gap:0 1rem}.fields p{margin:0 0 1rem}\
        .card{border:1px solid #d0d7de;border-radius:.5rem;padding:1rem 1.25rem;margin:1rem 0}\
        .card h2{margin-top:0}\
        .notice{border-left:4px solid #b3261e;background:#fdf1f0;padding:.5rem 1rem}\
        #flash{border-left:4px solid #1a7f37;background:#eef7f0;padding:.75rem 1rem;margin:0 0 1rem}\
        .actions{display:flex;flex-wrap:wrap;gap:1rem;align-items:center}\
        .paging{display:flex;gap:1.5rem;margin:1rem 0}\
        figure{margin:1rem 0}svg{max-width:100%;height:auto}figcaption{color:#4f5660;font-size:.9rem}\
        footer{max-width:48rem;margin:0 auto 2rem;padding:0 1rem;color:#4f5660;font-size:.9rem}\
        .visually-hidden{position:absolute!important;width:1px!important;height:1px!important;\
        padding:0!important;margin:-1px!important;overflow:hidden!important;clip:rect(0,0,0,0)!important;\
        white-space:nowrap!important;border:0!important}
        """

    /// Every page's frame: skip link, header (site name, language switch; signed in: the
    /// navigation and sign-out), the notice, `<main>` and the footer.
    static let layout = """
        <!doctype html>
        <html lang="{{lang}}">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}} · {{t.common_brand}}</title>
        <link rel="icon" href="data:,">
        <style>{{{style}}}</style>
        <script>{{{script}}}</script>
        </head>
        <body>
        <a class="skip-link" href="#main">{{t.common_skip_to_content}}</a>
        <header class="site">
        <div class="bar">
        <a class="brand" href="/">{{t.common_brand}}</a>
        <nav aria-label="{{t.common_language_switch}}"><ul>{{#languages}}<li><a id="{{langID}}" lang="{{langCode}}" hreflang="{{langCode}}" href="{{langHref}}"{{#langCurrent}} aria-current="true"{{/langCurrent}}>{{langLabel}}</a></li>{{/languages}}</ul></nav>
        </div>
        {{#signedIn}}
        <div class="bar">
        <nav aria-label="{{t.nav_label}}"><ul>{{#nav}}<li><a id="{{navID}}" href="{{navHref}}"{{#navCurrent}} aria-current="page"{{/navCurrent}}>{{navLabel}}</a></li>{{/nav}}</ul></nav>
        <form method="post" action="/account/signout"><input type="hidden" name="csrf" value="{{csrf}}"><button id="sign-out" type="submit">{{t.common_sign_out}}</button></form>
        </div>
        {{/signedIn}}
        </header>
        <main id="main">
        {{#flash}}<p id="flash" role="status">{{.}}</p>{{/flash}}
        {{{body}}}
        </main>
        <footer><p>{{t.common_footer}}</p></footer>
        </body>
        </html>
        """

    static let landing = """
        <h1>{{t.portal_landing_heading}}</h1>
        <p class="lead">{{t.portal_landing_intro}}</p>
        {{#signedIn}}<p><a id="go-to-account" class="button" href="/account">{{t.portal_landing_go_to_account}}</a></p>{{/signedIn}}
        {{^signedIn}}<p><a id="sign-in" class="button" href="/account/signin">{{t.portal_landing_sign_in}}</a></p>{{/signedIn}}
        <section aria-labelledby="for-platforms">
        <h2 id="for-platforms">{{t.portal_landing_platforms_heading}}</h2>
        <p>{{t.portal_landing_platforms_text}}</p>
        <ul><li><a id="discovery" href="/.well-known/openid-configuration">{{t.portal_landing_discovery_link}}</a></li><li><a id="openapi" href="/openapi.json">{{t.portal_landing_api_link}}</a></li></ul>
        </section>
        <section aria-labelledby="for-wallets">
        <h2 id="for-wallets">{{t.portal_landing_wallets_heading}}</h2>
        <p>{{t.portal_landing_wallets_text}}</p>
        <p><a id="wallet-protocol" href="/openapi.json">{{t.portal_landing_protocol_link}}</a></p>
        </section>
        """

    static let overview = """
        <h1>{{t.nav_overview}}</h1>
        <dl class="facts">
        <dt>{{t.portal_network_number}}</dt>
        <dd><span id="network-number" class="number">{{number}}</span> <span class="hint">{{t.portal_select_to_copy}}</span></dd>
        <dt>{{t.portal_assurance_level}}</dt>
        <dd id="assurance-level">{{level}}</dd>
        <dt>{{t.portal_state}}</dt>
        <dd id="person-state"><strong>{{stateText}}</strong>{{#stateReason}}<br>{{.}}{{/stateReason}}{{#stateHelp}}<br>{{.}}{{/stateHelp}}</dd>
        <dt>{{t.portal_phone}}</dt>
        <dd id="phone">{{phone}}</dd>
        <dt>{{t.portal_enrolled}}</dt>
        <dd id="enrolled">{{enrolled}}</dd>
        </dl>
        {{#guardian}}<p id="guardian">{{t.portal_guardian_number}} <span class="number">{{.}}</span></p>{{/guardian}}
        {{#hasRestrictions}}
        <section aria-labelledby="restrictions-heading">
        <h2 id="restrictions-heading">{{t.portal_restrictions}}</h2>
        <p>{{t.portal_restrictions_help}}</p>
        <ul id="restrictions">{{#restrictions}}<li>{{.}}</li>{{/restrictions}}</ul>
        </section>
        {{/hasRestrictions}}
        <section aria-labelledby="certificates-heading">
        <h2 id="certificates-heading">{{t.portal_certificates}}</h2>
        <table id="certificates">
        <caption>{{t.portal_certificates_caption}}</caption>
        <thead><tr><th scope="col">{{t.portal_cert_serial}}</th><th scope="col">{{t.portal_cert_status}}</th><th scope="col">{{t.portal_cert_issued}}</th><th scope="col">{{t.portal_cert_expires}}</th></tr></thead>
        <tbody>
        {{#certificates}}<tr><td><code>{{certSerial}}</code></td><td>{{certStatus}}</td><td>{{certIssued}}</td><td>{{certExpires}}</td></tr>{{/certificates}}
        {{^hasCertificates}}<tr><td colspan="4">{{t.portal_no_certificates}}</td></tr>{{/hasCertificates}}
        </tbody>
        </table>
        </section>
        {{#hasWards}}
        <section aria-labelledby="wards-heading">
        <h2 id="wards-heading">{{t.portal_wards}}</h2>
        <p>{{t.portal_wards_intro}}</p>
        <table id="wards">
        <caption>{{t.portal_wards_caption}}</caption>
        <thead><tr><th scope="col">{{t.portal_network_number}}</th><th scope="col">{{t.portal_state}}</th><th scope="col">{{t.portal_ward_action}}</th></tr></thead>
        <tbody>
        {{#wards}}<tr id="ward-{{wardIndex}}"><td><span id="ward-number-{{wardIndex}}" class="number">{{wardNumber}}</span></td><td>{{wardState}}{{#wardReason}}<br>{{.}}{{/wardReason}}</td><td>{{#wardCanSuspend}}<form method="post" action="/account/wards/suspend"><input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="ward" value="{{wardNumber}}"><button id="ward-suspend-{{wardIndex}}" class="danger" type="submit" aria-describedby="ward-number-{{wardIndex}}">{{t.portal_suspend}}</button></form>{{/wardCanSuspend}}{{#wardCanResume}}<form method="post" action="/account/wards/resume"><input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="ward" value="{{wardNumber}}"><button id="ward-resume-{{wardIndex}}" type="submit" aria-describedby="ward-number-{{wardIndex}}">{{t.portal_resume}}</button></form>{{/wardCanResume}}</td></tr>{{/wards}}
        </tbody>
        </table>
        </section>
        {{/hasWards}}
        <section aria-labelledby="actions-heading">
        <h2 id="actions-heading">{{t.portal_actions}}</h2>
        <p><a id="suspend" href="/account/suspend">{{t.portal_suspend_my_number}}</a></p>
        <form method="post" action="/account/signout-everywhere"><input type="hidden" name="csrf" value="{{csrf}}"><button id="sign-out-everywhere" type="submit" aria-describedby="sign-out-everywhere-hint">{{t.common_sign_out_everywhere}}</button></form>
        <p id="sign-out-everywhere-hint" class="hint">{{t.portal_sign_out_everywhere_hint}}</p>
        </section>
        """

    static let platforms = """
        <h1>{{t.nav_platforms}}</h1>
        <p>{{t.portal_platforms_intro}}</p>
        {{^hasPlatforms}}<p id="no-platforms">{{t.portal_platforms_none}}</p>{{/hasPlatforms}}
        {{#platforms}}
        <section id="platform-{{clientID}}" class="card" aria-labelledby="platform-name-{{clientID}}">
        <h2 id="platform-name-{{clientID}}">{{platformName}}</h2>
        {{#reverification}}<p id="reverification-{{clientID}}" class="notice">{{.}}</p>{{/reverification}}
        <dl class="facts">
        {{#firstUsed}}<dt>{{t.portal_first_used}}</dt><dd>{{.}}</dd>{{/firstUsed}}
        {{#lastUsed}}<dt>{{t.portal_last_used}}</dt><dd>{{.}}</dd>{{/lastUsed}}
        <dt>{{t.portal_verifications}}</dt><dd>{{verifications}}</dd>
        </dl>
        <h3>{{t.portal_what_it_learned}}</h3>
        <ul>{{#learned}}<li>{{.}}</li>{{/learned}}</ul>
        {{#pairwise}}
        <h3>{{t.portal_pairwise_heading}}</h3>
        <p><code id="pairwise-{{clientID}}">{{.}}</code></p>
        <p class="hint">{{t.portal_pairwise_explained}}</p>
        {{/pairwise}}
        <h3>{{t.portal_consent_heading}}</h3>
        {{#consent}}<p>{{.}}</p><p class="hint">{{t.portal_consent_hint}}</p><form method="post" action="/account/platforms/withdraw"><input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="client" value="{{clientID}}"><button id="withdraw-{{clientID}}" class="danger" type="submit" aria-describedby="platform-name-{{clientID}}">{{t.portal_withdraw}}</button></form>{{/consent}}
        {{^consent}}<p>{{t.portal_no_consent}}</p>{{/consent}}
        </section>
        {{/platforms}}
        """

    static let history = """
        <h1>{{t.nav_history}}</h1>
        <p>{{t.portal_history_intro}}</p>
        <form id="history-filter" method="get" action="/account/history">
        <fieldset>
        <legend>{{t.portal_history_filter_legend}}</legend>
        <div class="fields">
        <p><label for="filter-platform">{{t.portal_history_platform}}</label><select id="filter-platform" name="platform">{{#platformOptions}}<option value="{{optionValue}}"{{#optionSelected}} selected{{/optionSelected}}>{{optionLabel}}</option>{{/platformOptions}}</select></p>
        <p><label for="filter-kind">{{t.portal_history_kind}}</label><select id="filter-kind" name="kind">{{#kindOptions}}<option value="{{optionValue}}"{{#optionSelected}} selected{{/optionSelected}}>{{optionLabel}}</option>{{/kindOptions}}</select></p>
        <p><label for="filter-from">{{t.portal_history_from}}</label><input type="date" id="filter-from" name="from" value="{{from}}"></p>
        <p><label for="filter-to">{{t.portal_history_to}}</label><input type="date" id="filter-to" name="to" value="{{to}}"></p>
        </div>
        <button id="filter-submit" type="submit">{{t.portal_history_filter}}</button>
        </fieldset>
        </form>
        <p class="actions">{{t.portal_history_downloads}} <a id="download-json" href="{{jsonHref}}" download>{{t.portal_download_json}}</a> <a id="download-csv" href="{{csvHref}}" download>{{t.portal_download_csv}}</a></p>
        <table id="history-table">
        <caption>{{t.portal_history_caption}}</caption>
        <thead><tr><th scope="col">{{t.portal_history_when}}</th><th scope="col">{{t.portal_history_event}}</th><th scope="col" class="nowrap">{{t.portal_history_outcome}}</th><th scope="col">{{t.portal_history_platform_column}}</th><th scope="col">{{t.portal_history_details}}</th></tr></thead>
        <tbody>
        {{#lines}}<tr><td>{{lineWhen}}</td><td>{{lineEvent}}</td><td class="nowrap">{{lineOutcome}}</td><td>{{linePlatform}}</td><td>{{#lineDetails}}<div>{{.}}</div>{{/lineDetails}}</td></tr>{{/lines}}
        {{^hasLines}}<tr><td id="history-empty" colspan="5">{{t.portal_history_empty}}</td></tr>{{/hasLines}}
        </tbody>
        </table>
        {{#hasPaging}}<nav class="paging" aria-label="{{t.nav_pages}}">{{#newerHref}}<a id="history-newer" href="{{.}}">{{t.portal_history_newest}}</a>{{/newerHref}}{{#olderHref}}<a id="history-older" href="{{.}}">{{t.portal_history_older}}</a>{{/olderHref}}</nav>{{/hasPaging}}
        <section aria-labelledby="chart-heading">
        <h2 id="chart-heading">{{t.portal_verifications_per_week}}</h2>
        {{#hasWeeks}}
        <figure id="history-chart">
        {{{chart}}}
        <figcaption>{{chartDescription}}</figcaption>
        <table class="visually-hidden">
        <caption>{{t.portal_verifications_per_week}}</caption>
        <thead><tr><th scope="col">{{t.portal_chart_week}}</th><th scope="col">{{t.portal_chart_count}}</th></tr></thead>
        <tbody>{{#weekRows}}<tr><td>{{weekLabel}}</td><td>{{weekCount}}</td></tr>{{/weekRows}}</tbody>
        </table>
        </figure>
        {{/hasWeeks}}
        {{^hasWeeks}}<p>{{t.portal_chart_empty}}</p>{{/hasWeeks}}
        </section>
        """

    static let suspendConfirm = """
        <h1>{{t.portal_suspend_title}}</h1>
        <p>{{t.portal_suspend_intro}}</p>
        <ul><li>{{t.portal_suspend_effect_logins}}</li><li>{{t.portal_suspend_effect_platforms}}</li><li>{{t.portal_suspend_effect_sessions}}</li></ul>
        <p>{{t.portal_suspend_resume}}</p>
        <form method="post" action="/account/suspend"><input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="confirm" value="yes"><div class="actions"><button id="confirm-suspend" class="danger" type="submit">{{t.portal_suspend}}</button><a id="cancel" href="/account">{{t.common_cancel}}</a></div></form>
        """

    static let wardConfirm = """
        <h1>{{t.portal_ward_suspend_title}}</h1>
        <p>{{t.portal_ward_suspend_number}} <span id="ward-number" class="number">{{wardNumber}}</span></p>
        <p>{{t.portal_ward_suspend_effects}}</p>
        <form method="post" action="/account/wards/suspend"><input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="ward" value="{{wardNumber}}"><input type="hidden" name="confirm" value="yes"><div class="actions"><button id="confirm-ward-suspend" class="danger" type="submit">{{t.portal_suspend}}</button><a id="cancel" href="/account#ward-{{wardIndex}}">{{t.common_cancel}}</a></div></form>
        """

    static let signedOut = """
        <h1>{{t.portal_signed_out_title}}</h1>
        <p id="signed-out-message">{{message}}</p>
        <p><a id="sign-in" class="button" href="/account/signin">{{t.portal_sign_in_again}}</a></p>
        """

    static let refused = """
        <section id="signin-refused" aria-labelledby="refused-heading">
        <h1 id="refused-heading">{{t.portal_refused_title}}</h1>
        <p id="refused-reason">{{reasonText}}</p>
        {{#isInactive}}<ul><li>{{t.portal_help_suspended}}</li><li>{{t.portal_help_restricted}}</li></ul>{{/isInactive}}
        <p><a id="sign-in" class="button" href="/account/signin">{{t.portal_try_again}}</a></p>
        </section>
        """

    static let error = """
        <h1>{{t.common_error_title}}</h1>
        <p id="error-message">{{message}}</p>
        <p class="hint">{{statusText}}</p>
        <p><a id="home" href="/">{{t.common_home}}</a></p>
        """
}
