extension Catalogue {
    /// English (`en`). Keep the keys in step with `chineseStrings`: a test compares them.
    static let englishStrings: [String: String] = [
        // Shared by every page.
        "common_site_name": "CyberID",
        "common_language_switch": "Language",
        "common_skip_to_content": "Skip to content",
        "common_sign_in": "Sign in",
        "common_sign_out": "Sign out",
        "common_sign_out_everywhere": "Sign out everywhere",
        "common_confirm": "Confirm",
        "common_cancel": "Cancel",
        "common_back": "Back",
        "common_error_title": "Something went wrong",
        "common_footer": "CyberID — platforms learn that you are verified, not who you are; you see every verification.",
        // Navigation.
        "nav_label": "Your account",
        "nav_overview": "Overview",
        "nav_platforms": "Platforms",
        "nav_history": "History",
        // The portal's actions (issue 14).
        "portal_withdraw": "Withdraw",
        "portal_suspend": "Suspend",
        "portal_suspend_lost_phone": "I lost my phone",
        "portal_download_json": "Download JSON",
        "portal_download_csv": "Download CSV",
        "portal_verifications_per_week": "Verifications per week",
        "portal_chart_bar": "Week of %{week}: %{count} verifications",
    ]
}
