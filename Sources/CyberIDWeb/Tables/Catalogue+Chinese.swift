extension Catalogue {
    /// Simplified Chinese (`zh-CN`). Keep the keys in step with `englishStrings`.
    static let chineseStrings: [String: String] = [
        "common_site_name": "网络身份认证",
        "common_language_switch": "语言",
        "common_skip_to_content": "跳到正文",
        "common_sign_in": "登录",
        "common_sign_out": "退出",
        "common_sign_out_everywhere": "在所有设备上退出",
        "common_confirm": "确认",
        "common_cancel": "取消",
        "common_back": "返回",
        "common_error_title": "出错了",
        "common_footer": "CyberID——平台只知道您已通过认证，不知道您是谁；每一次认证您都看得到。",
        "nav_label": "您的账户",
        "nav_overview": "概览",
        "nav_platforms": "平台",
        "nav_history": "历史",
        "portal_withdraw": "撤回",
        "portal_suspend": "暂停",
        "portal_suspend_lost_phone": "我的手机丢了",
        "portal_download_json": "下载 JSON",
        "portal_download_csv": "下载 CSV",
        "portal_verifications_per_week": "每周认证次数",
        "portal_chart_bar": "%{week} 当周：%{count} 次认证",
    ]
}
