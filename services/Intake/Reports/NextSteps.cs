using VulnPlatform.Contracts;


namespace VulnPlatform.Intake.Reports;

/// <summary>The receipt's outline of what happens next, in the reporter's language.</summary>
public static class NextSteps
{
    public static string DeskFor(string kind) => kind switch
    {
        ReportKinds.Fraud => Desks.Sales,
        ReportKinds.General => Desks.Support,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Only non-vulnerability submissions go to a desk."),
    };

    public static IReadOnlyList<string> For(string kind, string language)
    {
        var chinese = language == ReporterLanguages.SimplifiedChinese;
        if (kind != ReportKinds.Vulnerability)
        {
            return chinese
                ? [DeskFor(kind) == Desks.Sales
                        ? "此提交不是安全漏洞报告：涉嫌欺诈（购买、订单、银行卡交易、密码或账户变更）已转交我们的销售部门处理。"
                        : "此提交不是安全漏洞报告：已转交我们的支持部门处理。",
                    "该部门会直接与您联系；您可以通过跟踪编号查看状态。",
                    KeepTokenChinese]
                : [DeskFor(kind) == Desks.Sales
                        ? "This is not a security vulnerability report: suspected fraud (purchases, orders, card transactions, password or account changes) has been forwarded to our sales desk."
                        : "This is not a security vulnerability report: it has been forwarded to our support desk.",
                    "That desk will answer you directly; you can follow the status with your tracking number.",
                    KeepToken];
        }

        return chinese
            ?
            [
                "我们的安全团队成员将在 24 小时内亲自确认收到您的报告。",
                "我们将核实报告，如需更多信息，会通过此跟踪编号向您询问。",
                "在案件关闭之前，您至少每 5 个工作日会收到一次进展更新。",
                "核实后，我们会告知您结果以及修复和协调公开披露的计划。",
                KeepTokenChinese,
            ]
            :
            [
                "A member of our security team will acknowledge your report personally within 24 hours.",
                "We will verify the report and may ask you for more information through this tracking number.",
                "You will receive a progress update at least every 5 business days until the case is closed.",
                "Once verified, we will tell you the result and the plan for remediation and coordinated public disclosure.",
                KeepToken,
            ];
    }

    private const string KeepToken =
        "Keep your follow-up token secret and safe: it is shown only once and, with the tracking number, gives access to this report.";

    private const string KeepTokenChinese = "请妥善保管您的跟进令牌：它只显示一次，与跟踪编号一起即可访问此报告。";
}
