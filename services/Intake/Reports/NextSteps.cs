using VulnPlatform.Contracts;

namespace VulnPlatform.Intake.Reports;

/// <summary>The receipt's outline of what happens next, in the reporter's language.</summary>
public static class NextSteps
{
    public static IReadOnlyList<string> For(string kind, string language) =>
        (kind, language == ReporterLanguages.SimplifiedChinese) switch
        {
            (ReportKinds.Vulnerability, false) =>
            [
                "A member of our security team will acknowledge your report personally within 24 hours.",
                "We will verify the report and may ask you for more information through this tracking number.",
                "You will receive a progress update at least every 5 business days until the case is closed.",
                "Once verified, we will tell you the result and the plan for remediation and coordinated public disclosure.",
                "Keep your follow-up token secret and safe: it is shown only once and, with the tracking number, gives access to this report.",
            ],
            (ReportKinds.Vulnerability, true) =>
            [
                "我们的安全团队成员将在 24 小时内亲自确认收到您的报告。",
                "我们将核实报告，如需更多信息，会通过此跟踪编号向您询问。",
                "在案件关闭之前，您至少每 5 个工作日会收到一次进展更新。",
                "核实后，我们会告知您结果以及修复和协调公开披露的计划。",
                "请妥善保管您的跟进令牌：它只显示一次，与跟踪编号一起即可访问此报告。",
            ],
            (_, false) =>
            [
                "This submission is not a security vulnerability report; we will forward it to the desk that handles it and tell you where it went.",
                "Keep your follow-up token secret and safe: it is shown only once and, with the tracking number, gives access to this submission.",
            ],
            (_, true) =>
            [
                "此提交不是安全漏洞报告；我们会将其转交给相应的部门处理，并告知您去向。",
                "请妥善保管您的跟进令牌：它只显示一次，与跟踪编号一起即可访问此提交。",
            ],
        };
}
