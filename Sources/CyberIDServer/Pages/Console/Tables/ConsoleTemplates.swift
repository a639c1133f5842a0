/// The operator console's Mustache templates and its stylesheet (issue 15).
///
/// As the portal's (`PortalTemplates`): templates hold no words, only catalogue keys
/// (`{{t.console_nav_persons}}`), every page is rendered into `layout` (`{{{body}}}`), and there is
/// no `style=` attribute and no event handler anywhere. The script is the portal's own (the same
/// text, so the same hash); the style is the portal's followed by a few console rules (wider
/// pages for the tables), so `ConsolePages.contentSecurityPolicy` hashes exactly these two blocks.
enum ConsoleTemplates {
    /// Every template by name (the name `ConsolePages` renders).
    static let all: [(name: String, text: String)] = [
        ("layout", layout), ("sign-in", signIn), ("refused", refused), ("home", home), ("persons", persons),
        ("pending", pending), ("operators", operators), ("audit", audit), ("record", record),
        ("signed-out", signedOut), ("error", error), ("platforms", platforms), ("platform-edit", platformEdit),
        ("policy", policy), ("trust", trust), ("keys", keys), ("statistics", statistics),
    ]

    /// The portal's time-zone script, unchanged (its CSP hash is shared).
    static let script = PortalTemplates.script

    /// The portal's stylesheet, then the console's additions: wider pages (tables of eight
    /// columns), the operator line in the header, compact forms inside table cells.
    static let style = PortalTemplates.style + """
        main,.site .bar,footer{max-width:76rem}\
        .site p{margin:0}.operator{font-size:.95rem}\
        td form{margin:0 0 .5rem}td label{font-size:.9rem}td input{max-width:14rem}\
        td .actions{gap:.5rem;margin-top:.25rem}\
        .areas dt{font-weight:600;margin-top:.75rem}.areas dd{margin:0}\
        .warning{border-left:4px solid #b3261e;background:#fdf1f0;padding:.75rem 1rem;font-weight:600}\
        #audit-entries code{word-break:normal;overflow-wrap:anywhere}\
        tr.alert td{background:#fdf1f0}tr.alert strong{color:#8c1d18}\
        figure{margin:0 0 .5rem;overflow-x:auto}details{margin-bottom:1rem}\
        .filters{display:flex;flex-wrap:wrap;gap:.75rem;align-items:flex-end}.filters p{margin:0}\
        .field-hint{display:block;max-width:24rem;margin-top:.25rem}\
        #trust-pem{width:100%;max-width:40rem;font-family:monospace}\
        code.action{white-space:nowrap}
        """

    /// Every page's frame: skip link, header (console name, language switch; signed in: who,
    /// the navigation the roles allow and sign-out), the notice, `<main>` and the footer.
    static let layout = """
        <!doctype html>
        <html lang="{{lang}}">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}} · {{t.console_brand}}</title>
        <link rel="icon" href="data:,">
        <style>{{{style}}}</style>
        <script>{{{script}}}</script>
        </head>
        <body>
        <a class="skip-link" href="#main">{{t.common_skip_to_content}}</a>
        <header class="site">
        <div class="bar">
        <a class="brand" href="/console">{{t.console_brand}}</a>
        <nav aria-label="{{t.common_language_switch}}"><ul>{{#languages}}<li><a id="{{langID}}" lang="{{langCode}}" hreflang="{{langCode}}" href="{{langHref}}"{{#langCurrent}} aria-current="true"{{/langCurrent}}>{{langLabel}}</a></li>{{/languages}}</ul></nav>
        </div>
        {{#signedIn}}
        <div class="bar">
        {{#signedInAs}}<p id="operator" class="operator">{{.}}</p>{{/signedInAs}}
        {{#hasNav}}<nav aria-label="{{t.console_nav_label}}"><ul>{{#nav}}<li><a id="{{navID}}" href="{{navHref}}"{{#navCurrent}} aria-current="page"{{/navCurrent}}>{{navLabel}}</a></li>{{/nav}}</ul></nav>{{/hasNav}}
        <form method="post" action="/console/signout"><input type="hidden" name="csrf" value="{{csrf}}"><button id="sign-out" type="submit">{{t.common_sign_out}}</button></form>
        </div>
        {{/signedIn}}
        </header>
        <main id="main">
        {{#flash}}<p id="flash" role="status">{{.}}</p>{{/flash}}
        {{{body}}}
        </main>
        <footer><p>{{t.console_footer}}</p></footer>
        </body>
        </html>
        """

    static let signIn = """
        <h1>{{t.console_heading}}</h1>
        <p class="lead">{{t.console_sign_in_intro}}</p>
        <p><a id="console-sign-in" class="button" href="/console/signin">{{t.console_sign_in}}</a></p>
        """

    static let refused = """
        <section id="console-refused" aria-labelledby="refused-heading">
        <h1 id="refused-heading">{{t.console_refused_title}}</h1>
        <p id="refused-reason">{{reasonText}}</p>
        <div class="actions"><a id="console-sign-in" class="button" href="/console/signin">{{t.console_try_again}}</a><a id="portal" href="/">{{t.console_go_to_portal}}</a></div>
        </section>
        """

    static let home = """
        <h1>{{t.console_heading}}</h1>
        <p class="lead">{{t.console_home_intro}}</p>
        <p id="pending-count">{{pendingText}} <a id="pending-link" href="/console/pending">{{t.console_home_pending_link}}</a></p>
        {{#hasAreas}}
        <section aria-labelledby="areas-heading">
        <h2 id="areas-heading">{{t.console_home_areas}}</h2>
        <dl id="areas" class="areas">{{#areas}}<dt><a href="{{areaHref}}">{{areaLabel}}</a></dt><dd>{{areaText}}</dd>{{/areas}}</dl>
        </section>
        {{/hasAreas}}
        """

    static let persons = """
        <h1>{{t.console_nav_persons}}</h1>
        <form id="person-lookup" method="post" action="/console/persons/lookup">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <p><label for="lookup-number">{{t.console_network_number}}</label><input id="lookup-number" name="number" type="text" value="{{lookupValue}}" spellcheck="false" required aria-describedby="lookup-hint"></p>
        <p id="lookup-hint" class="hint">{{t.console_lookup_hint}}</p>
        <button id="look-up" type="submit">{{t.console_look_up}}</button>
        </form>
        {{#notFound}}<p id="person-not-found" class="notice" role="status">{{.}}</p>{{/notFound}}
        {{#hasSummary}}
        <section aria-labelledby="person-heading">
        <h2 id="person-heading">{{t.console_person_heading}} <span id="person-number" class="number">{{personNumber}}</span></h2>
        <dl class="facts">
        <dt>{{t.console_person_state}}</dt><dd id="person-state"><strong>{{personState}}</strong></dd>
        <dt>{{t.console_person_number_status}}</dt><dd id="person-number-status">{{personNumberStatus}}</dd>
        <dt>{{t.console_person_level}}</dt><dd id="person-level">{{personLevel}}</dd>
        </dl>
        <h3>{{t.console_person_certificates}}</h3>
        <table id="person-certificates">
        <caption>{{t.console_person_certificates_caption}}</caption>
        <thead><tr><th scope="col">{{t.portal_cert_serial}}</th><th scope="col">{{t.portal_cert_status}}</th><th scope="col">{{t.portal_cert_expires}}</th></tr></thead>
        <tbody>
        {{#certificates}}<tr><td><code>{{certSerial}}</code></td><td>{{certStatus}}</td><td>{{certExpires}}</td></tr>{{/certificates}}
        {{^hasCertificates}}<tr><td colspan="3">{{t.portal_no_certificates}}</td></tr>{{/hasCertificates}}
        </tbody>
        </table>
        <h3>{{t.console_person_events}}</h3>
        <table id="person-events">
        <caption>{{t.console_person_events_caption}}</caption>
        <thead><tr><th scope="col">{{t.console_col_when}}</th><th scope="col">{{t.console_col_event}}</th><th scope="col">{{t.console_col_change}}</th><th scope="col">{{t.console_col_actor}}</th><th scope="col">{{t.console_col_reason}}</th></tr></thead>
        <tbody>
        {{#events}}<tr><td>{{eventWhen}}</td><td>{{eventName}}</td><td>{{eventFrom}} → {{eventTo}}</td><td>{{eventActor}}</td><td>{{eventReason}}</td></tr>{{/events}}
        {{^hasEvents}}<tr><td colspan="5">{{t.console_person_no_events}}</td></tr>{{/hasEvents}}
        </tbody>
        </table>
        </section>
        {{#canAct}}
        <section aria-labelledby="act-heading">
        <h2 id="act-heading">{{t.console_act_heading}}</h2>
        <form id="person-action" method="post" action="/console/persons/act">
        <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="number" value="{{hiddenNumber}}">
        <div class="fields">
        <p><label for="action-event">{{t.console_act_event}}</label><select id="action-event" name="event">{{#lifecycleOptions}}<option value="{{optionValue}}">{{optionLabel}}</option>{{/lifecycleOptions}}</select></p>
        <p><label for="action-reason">{{t.console_reason}}</label><input id="action-reason" name="reason" type="text" required></p>
        </div>
        <button id="action-submit" type="submit">{{t.console_apply}}</button>
        </form>
        <form id="person-cancel" method="post" action="/console/requests">
        <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="action" value="cancel-person"><input type="hidden" name="number" value="{{hiddenNumber}}">
        <p><label for="cancel-reason">{{t.console_cancel_reason}}</label><input id="cancel-reason" name="reason" type="text" required aria-describedby="cancel-hint"></p>
        <p id="cancel-hint" class="hint">{{t.console_cancel_hint}}</p>
        <button id="request-cancel" class="danger" type="submit">{{t.console_request_cancel}}</button>
        </form>
        </section>
        {{/canAct}}
        {{#canRead}}
        <section aria-labelledby="record-request-heading">
        <h2 id="record-request-heading">{{t.console_record_request_heading}}</h2>
        <form id="record-request" method="post" action="/console/requests">
        <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="action" value="read-record"><input type="hidden" name="number" value="{{hiddenNumber}}">
        <p><label for="legal-basis">{{t.console_legal_basis}}</label><input id="legal-basis" name="reason" type="text" required aria-describedby="legal-basis-hint"></p>
        <p id="legal-basis-hint" class="hint">{{t.console_legal_basis_hint}}</p>
        <button id="request-record" type="submit">{{t.console_request_record}}</button>
        </form>
        </section>
        {{/canRead}}
        {{/hasSummary}}
        """

    static let pending = """
        <h1>{{t.console_nav_pending}}</h1>
        <p>{{t.console_pending_intro}}</p>
        {{#hasRequests}}
        <table id="pending-requests">
        <caption>{{t.console_pending_caption}}</caption>
        <thead><tr><th scope="col">{{t.console_col_action}}</th><th scope="col">{{t.console_col_target}}</th><th scope="col">{{t.console_col_reason}}</th><th scope="col">{{t.console_col_requester}}</th><th scope="col">{{t.console_col_requested_at}}</th><th scope="col">{{t.console_col_status}}</th><th scope="col">{{t.console_col_decider}}</th><th scope="col">{{t.console_col_decision}}</th></tr></thead>
        <tbody>
        {{#requests}}<tr id="request-{{requestID}}"><td id="request-action-{{requestID}}">{{requestAction}}</td><td><span class="number">{{requestNumber}}</span>{{#requestRole}}<br>{{.}}{{/requestRole}}</td><td>{{requestReason}}</td><td>{{requester}}</td><td>{{requestedAt}}</td><td id="request-status-{{requestID}}">{{requestStatus}}</td><td>{{decider}}</td><td>{{#canDecide}}<form method="post" action="/console/requests/decide"><input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="id" value="{{requestID}}"><label for="decide-reason-{{requestID}}">{{t.console_decide_reason}}</label><input id="decide-reason-{{requestID}}" name="reason" type="text"><div class="actions"><button id="approve-{{requestID}}" type="submit" name="decision" value="approve" aria-describedby="request-action-{{requestID}}">{{t.console_approve}}</button><button id="refuse-{{requestID}}" class="danger" type="submit" name="decision" value="refuse" aria-describedby="request-action-{{requestID}}">{{t.console_refuse}}</button></div></form>{{/canDecide}}{{#canCarryOut}}<form method="post" action="/console/requests/open"><input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="id" value="{{requestID}}"><button id="open-{{requestID}}" type="submit" aria-describedby="request-action-{{requestID}}">{{openLabel}}</button></form>{{/canCarryOut}}{{^hasDecision}}—{{/hasDecision}}</td></tr>{{/requests}}
        </tbody>
        </table>
        {{/hasRequests}}
        {{^hasRequests}}<p id="no-requests">{{t.console_pending_none}}</p>{{/hasRequests}}
        """

    static let operators = """
        <h1>{{t.console_nav_operators}}</h1>
        <p>{{t.console_operators_intro}}</p>
        <table id="operators">
        <caption>{{t.console_operators_caption}}</caption>
        <thead><tr><th scope="col">{{t.console_col_name}}</th><th scope="col">{{t.console_network_number}}</th><th scope="col">{{t.console_col_roles}}</th>{{#canGrant}}<th scope="col">{{t.console_col_revoke}}</th>{{/canGrant}}</tr></thead>
        <tbody>
        {{#operatorRows}}<tr id="operator-{{operatorIndex}}"><td>{{operatorName}}</td><td>{{#operatorNumber}}<span class="number">{{.}}</span>{{/operatorNumber}}{{^operatorNumber}}—{{/operatorNumber}}</td><td>{{operatorRoles}}</td>{{#canGrant}}<td>{{#revocations}}<form method="post" action="/console/operators/revoke"><input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="number" value="{{revokeNumber}}"><input type="hidden" name="role" value="{{revokeRole}}"><button id="{{revokeID}}" class="danger" type="submit">{{revokeLabel}}</button></form>{{/revocations}}</td>{{/canGrant}}</tr>{{/operatorRows}}
        {{^hasOperators}}<tr><td colspan="{{columns}}">{{t.console_operators_none}}</td></tr>{{/hasOperators}}
        </tbody>
        </table>
        {{#canGrant}}
        <section aria-labelledby="grant-heading">
        <h2 id="grant-heading">{{t.console_grant_heading}}</h2>
        <form id="grant-form" method="post" action="/console/operators/grant">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <div class="fields">
        <p><label for="grant-number">{{t.console_network_number}}</label><input id="grant-number" name="number" type="text" spellcheck="false" required></p>
        <p><label for="grant-name">{{t.console_display_name}}</label><input id="grant-name" name="name" type="text" required></p>
        <p><label for="grant-role">{{t.console_role}}</label><select id="grant-role" name="role">{{#roleOptions}}<option value="{{optionValue}}">{{optionLabel}}</option>{{/roleOptions}}</select></p>
        </div>
        <p id="grant-hint" class="hint">{{t.console_grant_hint}}</p>
        <button id="grant" type="submit" aria-describedby="grant-hint">{{t.console_grant}}</button>
        </form>
        </section>
        {{/canGrant}}
        """

    static let audit = """
        <h1>{{t.console_nav_audit}}</h1>
        <p>{{t.console_audit_intro}}</p>
        <div class="actions"><form id="audit-verify" method="post" action="/console/audit/verify"><input type="hidden" name="csrf" value="{{csrf}}"><button id="verify" type="submit">{{t.console_verify}}</button></form><a id="download-checkpoint" href="/console/audit/checkpoint" download>{{t.console_audit_checkpoint}}</a></div>
        {{#verification}}<p id="audit-verification" role="status">{{.}}</p>{{/verification}}
        <form id="audit-filter" method="post" action="/console/audit">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <fieldset><legend>{{t.console_audit_filter}}</legend>
        <div class="filters">
        <p><label for="filter-actor">{{t.console_col_operator}}</label><input id="filter-actor" name="actor" type="text" value="{{filterActor}}"></p>
        <p><label for="filter-action">{{t.console_col_action}}</label><input id="filter-action" name="action" type="text" value="{{filterAction}}" spellcheck="false" aria-describedby="filter-action-hint"></p>
        <p><label for="filter-from">{{t.portal_history_from}}</label><input id="filter-from" name="from" type="date" value="{{filterFrom}}"></p>
        <p><label for="filter-to">{{t.portal_history_to}}</label><input id="filter-to" name="to" type="date" value="{{filterTo}}"></p>
        <button id="filter" type="submit">{{t.console_audit_apply_filter}}</button>
        </div>
        <p id="filter-action-hint" class="hint">{{t.console_audit_action_hint}}</p>
        </fieldset>
        </form>
        <p id="audit-shown">{{shownText}}</p>
        <table id="audit-entries">
        <caption>{{t.console_audit_caption}}</caption>
        <thead><tr><th scope="col">{{t.console_col_seq}}</th><th scope="col">{{t.console_col_when}}</th><th scope="col">{{t.console_col_operator}}</th><th scope="col">{{t.console_col_action}}</th><th scope="col">{{t.console_col_target}}</th><th scope="col">{{t.console_col_reason}}</th></tr></thead>
        <tbody>
        {{#entries}}<tr><td>{{entrySeq}}</td><td class="nowrap">{{entryWhen}}</td><td>{{entryActor}}</td><td><code class="action">{{entryAction}}</code></td><td><code>{{entryTarget}}</code></td><td>{{entryReason}}</td></tr>{{/entries}}
        {{^hasEntries}}<tr><td colspan="6">{{t.console_audit_none}}</td></tr>{{/hasEntries}}
        </tbody>
        </table>
        """

    static let record = """
        <h1>{{t.console_record_title}}</h1>
        <p id="record-warning" class="warning">{{t.console_record_warning}}</p>
        <dl class="facts">
        <dt>{{t.console_network_number}}</dt><dd><span id="record-number" class="number">{{recordNumber}}</span></dd>
        <dt>{{t.console_legal_basis}}</dt><dd id="record-basis">{{recordBasis}}</dd>
        <dt>{{t.console_col_requester}}</dt><dd>{{recordRequester}}</dd>
        <dt>{{t.console_col_decider}}</dt><dd>{{recordDecider}}</dd>
        </dl>
        <table id="record">
        <caption>{{t.console_record_caption}}</caption>
        <thead><tr><th scope="col">{{t.console_col_field}}</th><th scope="col">{{t.console_col_value}}</th></tr></thead>
        <tbody>
        {{#fields}}<tr><th scope="row">{{fieldLabel}}</th><td>{{fieldValue}}</td></tr>{{/fields}}
        </tbody>
        </table>
        <p><a id="back-to-pending" href="/console/pending">{{t.console_back_to_pending}}</a></p>
        """

    static let signedOut = """
        <h1>{{t.console_signed_out_title}}</h1>
        <p id="signed-out-message">{{t.console_signed_out}}</p>
        <p><a id="console-sign-in" class="button" href="/console/signin">{{t.console_sign_in_again}}</a></p>
        """

    static let error = """
        <h1>{{t.common_error_title}}</h1>
        <p id="error-message">{{message}}</p>
        <p class="hint">{{statusText}}</p>
        <p><a id="home" href="/console">{{t.console_back_to_console}}</a></p>
        """
}
