/// The console's pages for platforms, policy, the trust store, keys and statistics (issue 15);
/// the same rules as `ConsoleTemplates`: catalogue keys only, no `style=`, no event handler.
extension ConsoleTemplates {
    static let platforms = """
        <h1>{{t.console_nav_platforms}}</h1>
        <p>{{t.console_platforms_intro}}</p>
        {{#problem}}<p id="platform-problem" class="warning" role="alert">{{t.console_platform_invalid}} <code>{{.}}</code></p>{{/problem}}
        {{#registeredID}}
        <section id="registered" aria-labelledby="registered-heading" class="notice">
        <h2 id="registered-heading">{{t.console_registered_heading}}</h2>
        <dl class="facts">
        <dt>{{t.console_platform_name}}</dt><dd id="registered-name">{{registeredName}}</dd>
        <dt>{{t.console_client_id}}</dt><dd><code id="client-id">{{registeredID}}</code></dd>
        {{#registeredSecret}}<dt>{{t.console_client_secret}}</dt><dd><code id="client-secret" class="number">{{.}}</code></dd>{{/registeredSecret}}
        </dl>
        {{#registeredSecret}}<p id="secret-once" class="warning">{{t.console_secret_once}}</p>{{/registeredSecret}}
        </section>
        {{/registeredID}}
        <table id="platforms">
        <caption>{{t.console_platforms_caption}}</caption>
        <thead><tr><th scope="col">{{t.console_platform_name}}</th><th scope="col">{{t.console_client_id}}</th><th scope="col">{{t.console_col_state}}</th><th scope="col">{{t.console_legal_basis}}</th><th scope="col">{{t.console_events_uri}}</th><th scope="col">{{t.console_col_delivery}}</th>{{#canChange}}<th scope="col">{{t.console_col_manage}}</th>{{/canChange}}</tr></thead>
        <tbody>
        {{#platformRows}}<tr id="platform-{{platformIndex}}"><td>{{platformName}}<br><span class="hint">{{platformScopes}}</span></td><td><code>{{platformID}}</code></td><td id="platform-state-{{platformIndex}}">{{platformState}}</td><td>{{platformBasis}}</td><td><code>{{platformEvents}}</code></td><td id="platform-delivery-{{platformIndex}}">{{platformDelivery}}{{#platformError}}<br><span class="hint">{{t.console_delivery_error}} <code>{{.}}</code></span>{{/platformError}}</td>{{#canChange}}<td><a id="edit-{{platformIndex}}" href="/console/platforms/edit?id={{platformID}}">{{t.console_platform_edit}}</a><form method="post" action="/console/platforms/disable"><input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="id" value="{{platformID}}"><input type="hidden" name="disabled" value="{{disableValue}}"><button id="disable-{{platformIndex}}" type="submit" class="danger">{{disableLabel}}</button></form></td>{{/canChange}}</tr>{{/platformRows}}
        {{^hasPlatforms}}<tr><td colspan="{{columns}}">{{t.console_platforms_none}}</td></tr>{{/hasPlatforms}}
        </tbody>
        </table>
        {{#canChange}}
        <section aria-labelledby="register-heading">
        <h2 id="register-heading">{{t.console_register_heading}}</h2>
        <form id="register-form" method="post" action="/console/platforms/register">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <div class="fields">
        <p><label for="register-name">{{t.console_platform_name}}</label><input id="register-name" name="name" type="text" required maxlength="100"></p>
        <p><label for="register-redirects">{{t.console_redirect_uris}}</label><textarea id="register-redirects" name="redirect_uris" rows="2" required aria-describedby="redirects-hint"></textarea><span id="redirects-hint" class="hint field-hint">{{t.console_redirect_uris_hint}}</span></p>
        <p><label for="register-basis">{{t.console_legal_basis}}</label><input id="register-basis" name="legal_basis" type="text" aria-describedby="basis-hint"><span id="basis-hint" class="hint field-hint">{{t.console_platform_basis_hint}}</span></p>
        <p><label for="register-scopes">{{t.console_scopes}}</label><input id="register-scopes" name="scopes" type="text" spellcheck="false" aria-describedby="scopes-hint"><span id="scopes-hint" class="hint field-hint">{{t.console_scopes_hint}}</span></p>
        <p><label for="register-events">{{t.console_events_uri}}</label><input id="register-events" name="events_uri" type="url"></p>
        <p><label for="register-auth">{{t.console_auth_method}}</label><select id="register-auth" name="auth_method">{{#authOptions}}<option value="{{optionValue}}">{{optionLabel}}</option>{{/authOptions}}</select></p>
        </div>
        <button id="register" type="submit">{{t.console_register}}</button>
        </form>
        </section>
        {{/canChange}}
        """

    static let platformEdit = """
        <h1>{{t.console_platform_edit}}: {{platformName}}</h1>
        <dl class="facts">
        <dt>{{t.console_client_id}}</dt><dd><code id="edit-client-id">{{platformID}}</code></dd>
        <dt>{{t.console_redirect_uris}}</dt><dd><code>{{platformRedirects}}</code></dd>
        <dt>{{t.console_sector}}</dt><dd><code>{{platformSector}}</code></dd>
        </dl>
        <p class="hint">{{t.console_platform_fixed_hint}}</p>
        <form id="change-form" method="post" action="/console/platforms/change">
        <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="id" value="{{platformID}}">
        <div class="fields">
        <p><label for="change-name">{{t.console_platform_name}}</label><input id="change-name" name="name" type="text" value="{{platformName}}" required maxlength="100"></p>
        <p><label for="change-basis">{{t.console_legal_basis}}</label><input id="change-basis" name="legal_basis" type="text" value="{{platformBasis}}" aria-describedby="change-basis-hint"><span id="change-basis-hint" class="hint field-hint">{{t.console_platform_basis_change_hint}}</span></p>
        <p><label for="change-events">{{t.console_events_uri}}</label><input id="change-events" name="events_uri" type="url" value="{{platformEvents}}"></p>
        </div>
        <div class="actions"><button id="save" type="submit">{{t.console_save}}</button><a id="back-to-platforms" href="/console/platforms">{{t.common_cancel}}</a></div>
        </form>
        """

    static let policy = """
        <h1>{{t.console_nav_policy}}</h1>
        <p>{{t.console_policy_intro}}</p>
        <table id="policies">
        <caption>{{t.console_policy_caption}}</caption>
        <thead><tr><th scope="col">{{t.console_policy_scope}}</th><th scope="col">{{t.console_policy_days}}</th><th scope="col">{{t.console_col_set_at}}</th>{{#canChange}}<th scope="col">{{t.console_col_manage}}</th>{{/canChange}}</tr></thead>
        <tbody>
        {{#policyRows}}<tr id="policy-{{policyIndex}}"><td>{{policyScopeLabel}}</td><td id="policy-days-{{policyIndex}}">{{policyDays}}</td><td>{{policySetAt}}</td>{{#canChange}}<td><form method="post" action="/console/policy/clear"><input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="scope" value="{{policyScope}}"><label for="clear-reason-{{policyIndex}}">{{t.console_reason}}</label><input id="clear-reason-{{policyIndex}}" name="reason" type="text" required><button id="clear-{{policyIndex}}" type="submit" class="danger">{{t.console_policy_clear}}</button></form></td>{{/canChange}}</tr>{{/policyRows}}
        {{^hasPolicies}}<tr><td colspan="{{columns}}">{{t.console_policy_none}}</td></tr>{{/hasPolicies}}
        </tbody>
        </table>
        {{#canChange}}
        <section aria-labelledby="policy-set-heading">
        <h2 id="policy-set-heading">{{t.console_policy_set_heading}}</h2>
        <form id="policy-form" method="post" action="/console/policy/set">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <div class="fields">
        <p><label for="policy-scope">{{t.console_policy_scope}}</label><select id="policy-scope" name="scope">{{#scopeOptions}}<option value="{{optionValue}}">{{optionLabel}}</option>{{/scopeOptions}}</select></p>
        <p><label for="policy-days">{{t.console_policy_days}}</label><input id="policy-days" name="days" type="number" min="0.01" max="3650" step="any" required></p>
        <p><label for="policy-reason">{{t.console_reason}}</label><input id="policy-reason" name="reason" type="text" required></p>
        </div>
        <button id="policy-set" type="submit">{{t.console_policy_set}}</button>
        </form>
        </section>
        {{/canChange}}
        """

    static let trust = """
        <h1>{{t.console_nav_trust}}</h1>
        <p>{{t.console_trust_intro}}</p>
        {{#problem}}<p id="trust-problem" class="warning" role="alert">{{.}}</p>{{/problem}}
        <table id="trust-anchors">
        <caption>{{t.console_trust_caption}}</caption>
        <thead><tr><th scope="col">{{t.console_trust_kind}}</th><th scope="col">{{t.console_trust_name}}</th><th scope="col">{{t.console_trust_country}}</th><th scope="col">{{t.console_trust_until}}</th><th scope="col">{{t.console_col_state}}</th><th scope="col">{{t.console_trust_fingerprint}}</th>{{#canChange}}<th scope="col">{{t.console_col_manage}}</th>{{/canChange}}</tr></thead>
        <tbody>
        {{#anchorRows}}<tr id="anchor-{{anchorIndex}}"{{#anchorClass}} class="{{.}}"{{/anchorClass}}><td>{{anchorKind}}</td><td>{{anchorLabel}}</td><td>{{anchorCountry}}</td><td>{{anchorUntil}}</td><td id="anchor-status-{{anchorIndex}}">{{#anchorClass}}<strong>{{anchorStatus}}</strong>{{/anchorClass}}{{^anchorClass}}{{anchorStatus}}{{/anchorClass}}</td><td><code>{{anchorFingerprint}}</code></td>{{#canChange}}<td><form method="post" action="/console/trust/remove"><input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="fingerprint" value="{{anchorPrefix}}"><button id="remove-{{anchorIndex}}" type="submit" class="danger">{{t.console_trust_remove}}</button></form></td>{{/canChange}}</tr>{{/anchorRows}}
        {{^hasAnchors}}<tr><td colspan="{{columns}}">{{t.console_trust_none}}</td></tr>{{/hasAnchors}}
        </tbody>
        </table>
        {{#canChange}}
        <section aria-labelledby="trust-add-heading">
        <h2 id="trust-add-heading">{{t.console_trust_add_heading}}</h2>
        <form id="trust-form" method="post" action="/console/trust/add">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <div class="fields">
        <p><label for="trust-kind">{{t.console_trust_kind}}</label><select id="trust-kind" name="kind"><option value="csca">{{t.console_trust_kind_csca}}</option><option value="crl">{{t.console_trust_kind_crl}}</option></select></p>
        <p><label for="trust-pem">{{t.console_trust_pem}}</label><textarea id="trust-pem" name="pem" rows="8" spellcheck="false" required aria-describedby="trust-pem-hint"></textarea><span id="trust-pem-hint" class="hint field-hint">{{t.console_trust_pem_hint}}</span></p>
        </div>
        <button id="trust-add" type="submit">{{t.console_trust_add}}</button>
        </form>
        </section>
        {{/canChange}}
        """

    static let keys = """
        <h1>{{t.console_nav_keys}}</h1>
        <p>{{t.console_keys_intro}}</p>
        <table id="signing-keys">
        <caption>{{t.console_keys_signing_caption}}</caption>
        <thead><tr><th scope="col">{{t.console_key_id}}</th><th scope="col">{{t.console_col_state}}</th><th scope="col">{{t.console_key_created}}</th><th scope="col">{{t.console_key_published_until}}</th></tr></thead>
        <tbody>
        {{#signingRows}}<tr><td><code>{{keyID}}</code></td><td>{{keyState}}</td><td>{{keyCreated}}</td><td>{{keyUntil}}</td></tr>{{/signingRows}}
        </tbody>
        </table>
        {{#canRotate}}
        <form id="rotate-form" method="post" action="/console/requests">
        <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="action" value="rotate-signing-key">
        <p><label for="rotate-reason">{{t.console_reason}}</label><input id="rotate-reason" name="reason" type="text" required aria-describedby="rotate-hint"></p>
        <p id="rotate-hint" class="hint">{{t.console_rotate_hint}}</p>
        <button id="request-rotate" type="submit">{{t.console_request_rotate}}</button>
        </form>
        {{/canRotate}}
        <table id="authorities">
        <caption>{{t.console_keys_ca_caption}}</caption>
        <thead><tr><th scope="col">{{t.console_ca}}</th><th scope="col">{{t.console_trust_name}}</th><th scope="col">{{t.portal_cert_serial}}</th><th scope="col">{{t.console_ca_until}}</th></tr></thead>
        <tbody>
        {{#caRows}}<tr><td>{{caName}}</td><td>{{caSubject}}</td><td><code>{{caSerial}}</code></td><td>{{caUntil}}</td></tr>{{/caRows}}
        {{^hasCAs}}<tr><td colspan="4">{{t.console_keys_no_ca}}</td></tr>{{/hasCAs}}
        </tbody>
        </table>
        <table id="master-keys">
        <caption>{{t.console_keys_master_caption}}</caption>
        <thead><tr><th scope="col">{{t.console_key_id}}</th><th scope="col">{{t.console_col_state}}</th><th scope="col">{{t.console_key_created}}</th></tr></thead>
        <tbody>
        {{#masterRows}}<tr><td><code>{{masterID}}</code></td><td>{{masterState}}</td><td>{{masterCreated}}</td></tr>{{/masterRows}}
        {{^hasMasters}}<tr><td colspan="3">{{t.console_keys_no_master}}</td></tr>{{/hasMasters}}
        </tbody>
        </table>
        <p id="keys-offline" class="hint">{{t.console_keys_offline}}</p>
        """

    static let statistics = """
        <h1>{{t.console_nav_statistics}}</h1>
        <p>{{t.console_stats_intro}}</p>
        {{#charts}}
        <section id="stats-{{chartID}}" aria-labelledby="stats-{{chartID}}-heading">
        <h2 id="stats-{{chartID}}-heading">{{chartName}} <span class="hint">({{t.console_stats_total}} <span id="total-{{chartID}}">{{chartTotal}}</span>)</span></h2>
        <figure>{{{chart}}}</figure>
        <details><summary>{{t.console_stats_table}}</summary>
        <table id="table-{{chartID}}"><caption>{{chartName}}</caption>
        <thead><tr><th scope="col">{{t.console_stats_day}}</th><th scope="col">{{t.console_stats_count}}</th></tr></thead>
        <tbody>{{#chartRows}}<tr><td>{{rowDay}}</td><td>{{rowCount}}</td></tr>{{/chartRows}}</tbody>
        </table></details>
        </section>
        {{/charts}}
        <section aria-labelledby="reasons-heading">
        <h2 id="reasons-heading">{{t.console_stats_reasons}}</h2>
        <table id="refusal-reasons"><caption>{{t.console_stats_reasons}}</caption>
        <thead><tr><th scope="col">{{t.console_stats_reason}}</th><th scope="col">{{t.console_stats_count}}</th></tr></thead>
        <tbody>{{#reasonRows}}<tr><td>{{countName}}</td><td>{{countValue}}</td></tr>{{/reasonRows}}{{^hasReasons}}<tr><td colspan="2">{{t.console_stats_none}}</td></tr>{{/hasReasons}}</tbody>
        </table>
        </section>
        <section aria-labelledby="per-platform-heading">
        <h2 id="per-platform-heading">{{t.console_stats_platforms}}</h2>
        <table id="per-platform"><caption>{{t.console_stats_platforms}}</caption>
        <thead><tr><th scope="col">{{t.portal_history_platform}}</th><th scope="col">{{t.console_stats_count}}</th></tr></thead>
        <tbody>{{#platformRows}}<tr><td>{{countName}}</td><td>{{countValue}}</td></tr>{{/platformRows}}{{^hasPlatformCounts}}<tr><td colspan="2">{{t.console_stats_none}}</td></tr>{{/hasPlatformCounts}}</tbody>
        </table>
        </section>
        <section aria-labelledby="states-heading">
        <h2 id="states-heading">{{t.console_stats_states}}</h2>
        <table id="persons-by-state"><caption>{{t.console_stats_states}}</caption>
        <thead><tr><th scope="col">{{t.console_col_state}}</th><th scope="col">{{t.console_stats_count}}</th></tr></thead>
        <tbody>{{#stateRows}}<tr><td>{{countName}}</td><td>{{countValue}}</td></tr>{{/stateRows}}</tbody>
        </table>
        </section>
        """
}
