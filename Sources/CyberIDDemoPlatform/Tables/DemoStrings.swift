import Foundation

import CyberIDWeb

/// The demo platform's words, one table per language with the same keys (the tests check it).
/// Kept here rather than in CyberIDWeb's catalogue: the demo is a separate app, as a real
/// platform would be. Values may hold `%{name}` placeholders.
enum DemoStrings {
    /// The table of `language`.
    static func table(_ language: Language) -> [String: String] {
        switch language {
        case .en: english
        case .zhCN: chinese
        }
    }

    /// The text of `key` with its placeholders filled (in one pass, as the service's catalogue
    /// fills its own); the key itself when missing.
    static func text(_ key: String, _ language: Language, _ values: [String: String] = [:]) -> String {
        let text = table(language)[key] ?? key
        return values.isEmpty ? text : Catalogue.filling(text, values)
    }

    static let english: [String: String] = [
        "demo_site_name": "Demo platform",
        "demo_skip": "Skip to the content",
        "demo_language_nav": "Language",
        "demo_footer": "A demonstration of CyberID. This platform stores nothing you enter; a sign-in lasts 30 minutes.",
        // GET /
        "demo_home_title": "Two ways to sign up",
        "demo_home_lead":
            "Many platforms want your real name, ID number, phone number and a face photo before you may use them. With CyberID a platform learns that you are a verified person — and, if it needs it, whether you are over 14 or 18 — but not who you are.",
        "demo_traditional_heading": "The traditional real-name form",
        "demo_traditional_intro": "The platform asks for everything and keeps it.",
        "demo_form_name": "Full name",
        "demo_form_id_number": "ID card number",
        "demo_form_phone": "Mobile phone number",
        "demo_form_face": "Face photo",
        "demo_form_note": "Do not enter real data. This demo throws away what you send without reading it.",
        "demo_form_submit": "Sign up with my real name",
        "demo_cyberid_heading": "Sign in with CyberID",
        "demo_cyberid_intro":
            "Your CyberID wallet confirms that you are a verified person. The platform gets a pseudonym of its own, not your identity.",
        "demo_sign_in_cyberid": "Sign in with CyberID",
        "demo_sign_in_cyberid_note": "Asks for: verified person, over 14, over 18.",
        "demo_sign_in_realname": "Sign in with CyberID (real name)",
        "demo_sign_in_realname_note":
            "Also asks for your name and date of birth, which CyberID releases only with your consent and because this platform registered a legal basis:",
        // POST /traditional
        "demo_kept_title": "What this platform would now keep",
        "demo_kept_lead": "A real platform would now store these 4 fields about you:",
        "demo_kept_forever":
            "It keeps them as long as your account exists, often forever, and every copy is a target for the next data breach.",
        "demo_kept_discarded": "This demo kept nothing: what you sent was thrown away unread.",
        "demo_try_cyberid": "Now try Sign in with CyberID",
        "demo_back": "Back to the start",
        // GET /learned
        "demo_learned_title": "What this platform learned",
        "demo_learned_lead":
            "This is everything CyberID told the platform, taken from the ID token it received and verified. It asked for the scope",
        "demo_figure_heading": "Data minimisation",
        "demo_figure": "%{received} of %{collected}",
        "demo_figure_sentence":
            "personal fields received (%{fields}), where a real-name sign-up form collects %{collected}: name, ID card number, mobile phone number and face photo.",
        "demo_figure_definition":
            "How it is counted: a personal field is something about who you are. Your name, your date of birth, your age (age_over_14 and age_over_18 together count as one field) and your network number each count as one field when the token carries them. sub (a pseudonym for this platform only), acr, amr, cyberid_level, cyberid_verified and the token's technical claims (iss, aud, iat, exp, auth_time, nonce) are not counted: they say that and how a person was verified, not who the person is. The figure is the personal fields received out of the 4 fields a real-name sign-up form collects.",
        "demo_field_name": "name",
        "demo_field_birthdate": "date of birth",
        "demo_field_age": "age",
        "demo_field_network_number": "network number",
        "demo_field_none": "none",
        "demo_list_separator": ", ",
        "demo_claims_heading": "What it received",
        "demo_claims_caption": "The ID token's claims, decoded. Highlighted rows are personal fields.",
        "demo_claims_claim": "Claim",
        "demo_claims_value": "Value",
        "demo_claims_meaning": "What it means",
        "demo_claim_sub":
            "A pairwise pseudonym only this platform sees. Another platform gets a different one, so the two cannot link you.",
        "demo_claim_cyberid_verified": "CyberID confirms that this is a person whose identity document it has verified.",
        "demo_claim_acr": "How strongly you were authenticated: the level of assurance or the CyberID mode met.",
        "demo_claim_amr": "How you authenticated: hwk = the wallet's hardware key, pin = your password, face = a face match.",
        "demo_claim_cyberid_level": "The level of assurance of your identity (eIDAS).",
        "demo_claim_age_over_14": "Only whether you are 14 or older: not your age, not your date of birth.",
        "demo_claim_age_over_18": "Only whether you are 18 or older: not your age, not your date of birth.",
        "demo_claim_name": "Your name, released with your consent because the platform has a legal basis.",
        "demo_claim_birthdate": "Your date of birth, released with your consent because the platform has a legal basis.",
        "demo_claim_network_number": "Your CyberID network number, released only to a platform with a legal basis.",
        "demo_claim_iss": "Who issued the token: the CyberID service.",
        "demo_claim_aud": "Who the token is for: this platform's client id.",
        "demo_claim_auth_time": "When you approved the sign-in in your wallet.",
        "demo_claim_iat": "When the token was issued.",
        "demo_claim_exp": "When the token expires.",
        "demo_claim_nonce": "A random value that ties the token to this sign-in, so it cannot be replayed.",
        "demo_claim_other": "A technical claim of the token.",
        "demo_not_learned_heading": "What it did not learn",
        "demo_fact_name": "Your name",
        "demo_fact_birth_date": "Your date of birth, and so your exact age",
        "demo_fact_id_number": "Your ID card number",
        "demo_fact_document_number": "Your passport or other document number",
        "demo_fact_phone": "Your phone number",
        "demo_fact_face_photo": "Your face photo",
        "demo_fact_network_number": "Your network number",
        "demo_fact_address": "Your address",
        "demo_fact_sex": "Your sex",
        "demo_fact_nationality": "Your nationality",
        "demo_fact_other_platforms": "Who you are on other platforms: each one gets a different pseudonym",
        "demo_payload_heading": "The ID token's payload",
        "demo_payload_lead":
            "The decoded JSON, as CyberID signed it. The platform checked the signature, issuer, audience, expiry and nonce with the CyberIDRelyingParty SDK before showing it.",
        "demo_sign_out": "Sign out",
        // Errors
        "demo_error_title": "The sign-in did not finish",
        "demo_error_detail": "Details:",
        "demo_error_not_found": "This page does not exist.",
        "demo_error_unavailable": "CyberID cannot be reached right now. Is cyberid serve running?",
        "demo_error_expired":
            "This sign-in has expired, was already used, or was started in another browser. Please start again.",
        "demo_error_declined": "You declined in your wallet. The platform learned nothing.",
        "demo_error_provider": "CyberID did not sign you in. The platform learned nothing.",
        "demo_error_verify": "CyberID's answer could not be verified, so the platform ignored it.",
        "demo_error_forbidden": "This form has expired. Please go back and try again.",
    ]

    static let chinese: [String: String] = [
        "demo_site_name": "演示平台",
        "demo_skip": "跳到正文",
        "demo_language_nav": "语言",
        "demo_footer": "CyberID 演示。本平台不保存您输入的任何内容；登录状态保持 30 分钟。",
        // GET /
        "demo_home_title": "两种注册方式",
        "demo_home_lead":
            "许多平台要求您先提供真实姓名、身份证号码、手机号码和人脸照片才能使用。使用 CyberID，平台只知道您是经过核验的真人——如有需要，还知道您是否年满 14 或 18 周岁——但不知道您是谁。",
        "demo_traditional_heading": "传统的实名注册表单",
        "demo_traditional_intro": "平台索要全部信息，并一直保存。",
        "demo_form_name": "姓名",
        "demo_form_id_number": "身份证号码",
        "demo_form_phone": "手机号码",
        "demo_form_face": "人脸照片",
        "demo_form_note": "请勿填写真实信息。本演示不读取您提交的内容，直接丢弃。",
        "demo_form_submit": "实名注册",
        "demo_cyberid_heading": "使用 CyberID 登录",
        "demo_cyberid_intro": "您的 CyberID 钱包确认您是经过核验的真人。平台只得到一个专属于它的化名，而不是您的身份。",
        "demo_sign_in_cyberid": "使用 CyberID 登录",
        "demo_sign_in_cyberid_note": "请求：已核验的真人、是否年满 14 周岁、是否年满 18 周岁。",
        "demo_sign_in_realname": "使用 CyberID 登录（实名）",
        "demo_sign_in_realname_note": "还请求您的姓名和出生日期。只有经您同意、且本平台登记了法律依据，CyberID 才会提供：",
        // POST /traditional
        "demo_kept_title": "该平台现在会保存的信息",
        "demo_kept_lead": "真实的平台此时会保存您的这 4 项信息：",
        "demo_kept_forever": "只要账户存在就会一直保存，往往是永久保存；每一份副本都是下一次数据泄露的目标。",
        "demo_kept_discarded": "本演示没有保存任何内容：您提交的数据未经读取即被丢弃。",
        "demo_try_cyberid": "现在试试使用 CyberID 登录",
        "demo_back": "返回首页",
        // GET /learned
        "demo_learned_title": "该平台得知了什么",
        "demo_learned_lead": "以下是 CyberID 告诉平台的全部内容，取自平台收到并校验过的 ID 令牌。平台请求的范围（scope）是",
        "demo_figure_heading": "数据最小化",
        "demo_figure": "%{received} / %{collected}",
        "demo_figure_sentence": "项个人信息字段（%{fields}）；而实名注册表单收集 %{collected} 项：姓名、身份证号码、手机号码和人脸照片。",
        "demo_figure_definition":
            "计算方法：个人信息字段是关于“您是谁”的信息。令牌中含有时，姓名、出生日期、年龄（age_over_14 与 age_over_18 合计为一项）和网号各计一项。sub（仅本平台可见的化名）、acr、amr、cyberid_level、cyberid_verified 以及令牌的技术性声明（iss、aud、iat、exp、auth_time、nonce）不计入：它们说明的是此人已经核验以及如何核验，而不是此人是谁。该数字为收到的个人信息字段数与实名注册表单所收集的 4 项之比。",
        "demo_field_name": "姓名",
        "demo_field_birthdate": "出生日期",
        "demo_field_age": "年龄",
        "demo_field_network_number": "网号",
        "demo_field_none": "无",
        "demo_list_separator": "、",
        "demo_claims_heading": "平台收到的内容",
        "demo_claims_caption": "ID 令牌中的声明（已解码）。高亮的行是个人信息字段。",
        "demo_claims_claim": "声明",
        "demo_claims_value": "值",
        "demo_claims_meaning": "含义",
        "demo_claim_sub": "只有本平台看到的成对化名。其他平台得到的是另一个化名，因此无法相互关联您。",
        "demo_claim_cyberid_verified": "CyberID 确认这是一位身份证件已经过核验的真人。",
        "demo_claim_acr": "您的认证强度：达到的保证等级或 CyberID 认证模式。",
        "demo_claim_amr": "您的认证方式：hwk = 钱包的硬件密钥，pin = 您的口令，face = 人脸比对。",
        "demo_claim_cyberid_level": "您身份的保证等级（eIDAS）。",
        "demo_claim_age_over_14": "仅表明您是否年满 14 周岁：不是您的年龄，也不是您的出生日期。",
        "demo_claim_age_over_18": "仅表明您是否年满 18 周岁：不是您的年龄，也不是您的出生日期。",
        "demo_claim_name": "您的姓名：平台具有法律依据，并经您同意后提供。",
        "demo_claim_birthdate": "您的出生日期：平台具有法律依据，并经您同意后提供。",
        "demo_claim_network_number": "您的 CyberID 网号：只提供给具有法律依据的平台。",
        "demo_claim_iss": "令牌的签发者：CyberID 服务。",
        "demo_claim_aud": "令牌的接收方：本平台的客户端标识。",
        "demo_claim_auth_time": "您在钱包中批准登录的时间。",
        "demo_claim_iat": "令牌的签发时间。",
        "demo_claim_exp": "令牌的过期时间。",
        "demo_claim_nonce": "将令牌与本次登录绑定的随机值，使其无法被重放。",
        "demo_claim_other": "令牌的技术性声明。",
        "demo_not_learned_heading": "它没有得知的信息",
        "demo_fact_name": "您的姓名",
        "demo_fact_birth_date": "您的出生日期，因而也不知道您的确切年龄",
        "demo_fact_id_number": "您的身份证号码",
        "demo_fact_document_number": "您的护照或其他证件号码",
        "demo_fact_phone": "您的手机号码",
        "demo_fact_face_photo": "您的人脸照片",
        "demo_fact_network_number": "您的网号",
        "demo_fact_address": "您的住址",
        "demo_fact_sex": "您的性别",
        "demo_fact_nationality": "您的国籍",
        "demo_fact_other_platforms": "您在其他平台上的身份：每个平台得到的化名都不同",
        "demo_payload_heading": "ID 令牌的载荷",
        "demo_payload_lead": "解码后的 JSON，与 CyberID 签名时完全一致。平台在显示之前已用 CyberIDRelyingParty SDK 校验了签名、签发者、接收方、有效期和 nonce。",
        "demo_sign_out": "退出",
        // Errors
        "demo_error_title": "登录未完成",
        "demo_error_detail": "详情：",
        "demo_error_not_found": "此页面不存在。",
        "demo_error_unavailable": "目前无法连接 CyberID。cyberid serve 是否在运行？",
        "demo_error_expired": "本次登录已过期、已被使用，或是在其他浏览器中发起的。请重新开始。",
        "demo_error_declined": "您在钱包中拒绝了。平台没有得到任何信息。",
        "demo_error_provider": "CyberID 没有让您登录。平台没有得到任何信息。",
        "demo_error_verify": "无法校验 CyberID 的应答，平台已将其忽略。",
        "demo_error_forbidden": "此表单已失效，请返回重试。",
    ]
}
