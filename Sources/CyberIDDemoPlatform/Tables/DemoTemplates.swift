/// The demo platform's Mustache templates and its one style sheet (no SwiftPM resources: a
/// binary run away from `.build` still has them). Every word comes from `DemoStrings` through
/// `{{t.key}}`; the CSP allows the style block by its SHA-256, and there is no script.
///
/// Element ids the browser tests use: `traditional-form`, `sign-in-cyberid`, `sign-in-realname`,
/// `would-keep`, `learned-claims`, `not-learned`, `minimisation`, `id-token-payload`, `sign-out`,
/// `lang-zh`, `lang-en`, `error-message`.
enum DemoTemplates {
    /// The template of a page.
    static func source(of template: DemoPages.Template) -> String {
        switch template {
        case .home: home
        case .traditional: traditional
        case .learned: learned
        case .error: error
        }
    }

    /// The page around every template: `{{{main}}}` is the rendered page.
    static let layout = """
        <!DOCTYPE html>
        <html lang="{{lang}}">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}} · {{t.demo_site_name}}</title>
        <link rel="icon" href="data:,">
        <style>{{{css}}}</style>
        </head>
        <body>
        <a class="skip" href="#main">{{t.demo_skip}}</a>
        <header class="top">
        <p class="brand">{{t.demo_site_name}}</p>
        <nav aria-label="{{t.demo_language_nav}}">
        <ul class="langs">
        <li><a id="lang-zh" href="/language/zh-CN?next={{path}}" lang="zh-CN" hreflang="zh-CN"{{#isZh}} aria-current="true"{{/isZh}}>中文</a></li>
        <li><a id="lang-en" href="/language/en?next={{path}}" lang="en" hreflang="en"{{#isEn}} aria-current="true"{{/isEn}}>English</a></li>
        </ul>
        </nav>
        </header>
        <main id="main">
        {{{main}}}
        </main>
        <footer class="bottom"><p>{{t.demo_footer}}</p></footer>
        </body>
        </html>

        """

    /// `GET /`: the two sides.
    static let home = """
        <h1>{{t.demo_home_title}}</h1>
        <p class="lead">{{t.demo_home_lead}}</p>
        <div class="columns">
        <section class="column old" aria-labelledby="traditional-heading">
        <h2 id="traditional-heading">{{t.demo_traditional_heading}}</h2>
        <p>{{t.demo_traditional_intro}}</p>
        <form id="traditional-form" method="post" action="/traditional" enctype="multipart/form-data" autocomplete="off">
        <p><label for="traditional-name">{{t.demo_form_name}}</label>
        <input id="traditional-name" name="name" type="text" autocomplete="off"></p>
        <p><label for="traditional-id-number">{{t.demo_form_id_number}}</label>
        <input id="traditional-id-number" name="id_number" type="text" autocomplete="off"></p>
        <p><label for="traditional-phone">{{t.demo_form_phone}}</label>
        <input id="traditional-phone" name="phone" type="tel"></p>
        <p><label for="traditional-face">{{t.demo_form_face}}</label>
        <input id="traditional-face" name="face_photo" type="file" accept="image/*"></p>
        <p class="note">{{t.demo_form_note}}</p>
        <p><button id="traditional-submit" type="submit">{{t.demo_form_submit}}</button></p>
        </form>
        </section>
        <section class="column new" aria-labelledby="cyberid-heading">
        <h2 id="cyberid-heading">{{t.demo_cyberid_heading}}</h2>
        <p>{{t.demo_cyberid_intro}}</p>
        <p><a id="sign-in-cyberid" class="button" href="/login?scope=age">{{t.demo_sign_in_cyberid}}</a></p>
        <p class="note">{{t.demo_sign_in_cyberid_note}}</p>
        {{#realName}}
        <p><a id="sign-in-realname" class="button secondary" href="/login?scope=realname">{{t.demo_sign_in_realname}}</a></p>
        <p class="note">{{t.demo_sign_in_realname_note}} <span id="legal-basis">{{legalBasis}}</span></p>
        {{/realName}}
        </section>
        </div>
        """

    /// `POST /traditional`: what a platform would keep.
    static let traditional = """
        <h1 id="traditional-result">{{t.demo_kept_title}}</h1>
        <p class="lead">{{t.demo_kept_lead}}</p>
        <ul id="would-keep" class="kept">
        <li><strong>{{t.demo_form_name}}</strong></li>
        <li><strong>{{t.demo_form_id_number}}</strong></li>
        <li><strong>{{t.demo_form_phone}}</strong></li>
        <li><strong>{{t.demo_form_face}}</strong></li>
        </ul>
        <p>{{t.demo_kept_forever}}</p>
        <p class="note">{{t.demo_kept_discarded}}</p>
        <p><a id="try-cyberid" class="button" href="/login?scope=age">{{t.demo_try_cyberid}}</a></p>
        <p><a id="back-home" href="/">{{t.demo_back}}</a></p>
        """

    /// `GET /learned`: the figure, the claims, what was not learned, the payload.
    static let learned = """
        <h1>{{t.demo_learned_title}}</h1>
        <p class="lead">{{t.demo_learned_lead}} <code id="requested-scope">{{scope}}</code></p>
        <section aria-labelledby="figure-heading">
        <h2 id="figure-heading">{{t.demo_figure_heading}}</h2>
        <p id="minimisation" data-received="{{received}}" data-collected="{{collected}}"><strong class="figure">{{figure}}</strong> {{figureSentence}}</p>
        <p id="minimisation-definition" class="note">{{t.demo_figure_definition}}</p>
        </section>
        <section aria-labelledby="claims-heading">
        <h2 id="claims-heading">{{t.demo_claims_heading}}</h2>
        <table id="learned-claims">
        <caption>{{t.demo_claims_caption}}</caption>
        <thead><tr><th scope="col">{{t.demo_claims_claim}}</th><th scope="col">{{t.demo_claims_value}}</th><th scope="col">{{t.demo_claims_meaning}}</th></tr></thead>
        <tbody>
        {{#rows}}
        <tr id="claim-{{claim}}"{{#personal}} class="personal"{{/personal}}><th scope="row"><code>{{claim}}</code></th><td>{{value}}</td><td>{{explanation}}</td></tr>
        {{/rows}}
        </tbody>
        </table>
        </section>
        <section aria-labelledby="not-learned-heading">
        <h2 id="not-learned-heading">{{t.demo_not_learned_heading}}</h2>
        <ul id="not-learned">
        {{#notLearned}}
        <li>{{.}}</li>
        {{/notLearned}}
        </ul>
        </section>
        <section aria-labelledby="payload-heading">
        <h2 id="payload-heading">{{t.demo_payload_heading}}</h2>
        <p>{{t.demo_payload_lead}}</p>
        <pre id="id-token-payload" tabindex="0">{{payload}}</pre>
        </section>
        <div class="actions">
        <p><a id="sign-in-again" href="/">{{t.demo_back}}</a></p>
        <form id="sign-out-form" method="post" action="/logout">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <button id="sign-out" type="submit">{{t.demo_sign_out}}</button>
        </form>
        </div>
        """

    /// Every refusal and failure.
    static let error = """
        <h1 id="error-title">{{t.demo_error_title}}</h1>
        <p id="error-message">{{message}}</p>
        {{#detail}}
        <p class="note">{{t.demo_error_detail}} <code id="error-detail">{{detail}}</code></p>
        {{/detail}}
        <p><a id="back-home" href="/">{{t.demo_back}}</a></p>
        """

    /// The one style sheet, inline (allowed by its hash). Colours meet WCAG AA: body text
    /// #1a1a1a and notes #4a4a4a on white or the pale column backgrounds, links #0b57d0,
    /// white on the buttons' #0b57d0, #1f4e8c and #8a1c1c.
    static let css = """
        body{margin:0;font-family:system-ui,-apple-system,"Segoe UI","Noto Sans","Noto Sans CJK SC","PingFang SC",\
        "Microsoft YaHei",sans-serif;line-height:1.5;color:#1a1a1a;background:#fff}\
        .skip{position:absolute;left:-10000px;top:auto}.skip:focus{left:1rem;top:1rem;background:#fff;padding:.5rem}\
        .top,main,.bottom{max-width:66rem;margin:0 auto;padding:0 1rem}\
        .top{display:flex;flex-wrap:wrap;justify-content:space-between;align-items:center;border-bottom:1px solid #c4c4c4}\
        .brand{font-weight:700}.langs{list-style:none;display:flex;gap:1rem;margin:0;padding:0}\
        a{color:#0b57d0}a[aria-current]{font-weight:700}:focus-visible{outline:3px solid #1a1a1a;outline-offset:2px}\
        .lead{font-size:1.1rem}.note{color:#4a4a4a}\
        .columns{display:grid;grid-template-columns:repeat(auto-fit,minmax(18rem,1fr));gap:1.5rem}\
        .column{border:1px solid #c4c4c4;border-radius:.5rem;padding:0 1.25rem 1rem}\
        .old{background:#fdf4f4;border-color:#d9a3a3}.new{background:#f3f7fd;border-color:#a8c0e6}\
        label{display:block;font-weight:600}\
        input{font:inherit;width:100%;box-sizing:border-box;padding:.4rem;border:1px solid #6b6b6b;border-radius:.25rem;\
        background:#fff;color:#1a1a1a}\
        button,.button{display:inline-block;font:inherit;font-weight:600;padding:.6rem 1rem;border:0;border-radius:.375rem;\
        background:#0b57d0;color:#fff;text-decoration:none;cursor:pointer}\
        .old button{background:#8a1c1c}.secondary{background:#1f4e8c}\
        .kept li{margin:.25rem 0}.figure{font-size:1.5rem}\
        table{border-collapse:collapse;width:100%}caption{text-align:left;padding:.25rem 0}\
        th,td{border:1px solid #c4c4c4;padding:.4rem .5rem;text-align:left;vertical-align:top}\
        thead th{background:#eef2f7}tr.personal th,tr.personal td{background:#fff6d6}\
        code{overflow-wrap:anywhere}td{overflow-wrap:anywhere}\
        pre{background:#f5f5f5;color:#1a1a1a;border:1px solid #c4c4c4;padding:1rem;overflow:auto}\
        .actions{display:flex;flex-wrap:wrap;gap:1.5rem;align-items:center;margin:1.5rem 0}\
        .bottom{border-top:1px solid #c4c4c4;margin-top:2rem}
        """
}
