using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MimeKit;
using VulnPlatform.Notification.Channels;
using VulnPlatform.Notification.Deliveries;
using VulnPlatform.Notification.Templates;

namespace VulnPlatform.Notification.Tests;

/// <summary>Every template in both languages, rendered with hostile values: no markup gets through, no header can be injected.</summary>
[Trait("Servers", "none")]
public sealed class TemplateTests
{
    private const string Script = "<script>alert(document.cookie)</script>";
    private static readonly MessageTemplates Templates = MessageTemplates.FromApplication();
    private static readonly string[] Names = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Templates", "en"), "*.liquid")
        .Select(f => Path.GetFileNameWithoutExtension(f)).Order().ToArray();

    public static TheoryData<string, string> Every()
    {
        var data = new TheoryData<string, string>();
        foreach (var name in Names)
        {
            data.Add(name, "en");
            data.Add(name, "zh-CN");
        }
        return data;
    }

    [Theory]
    [InlineData("en", new[] { "password" }, "with your password.")]
    [InlineData("en", new[] { "password", "totp" }, "with your password and an authenticator code.")]
    [InlineData("en", new[] { "password", "recovery-code" }, "with your password and a recovery code.")]
    [InlineData("zh-CN", new[] { "password" }, "（验证方式：密码）")]
    [InlineData("zh-CN", new[] { "password", "totp" }, "（验证方式：密码、身份验证器代码）")]
    [InlineData("zh-CN", new[] { "password", "recovery-code" }, "（验证方式：密码、恢复码）")]
    public void The_new_sign_in_email_names_the_factors_Identity_records(string language, string[] factors, string expected)
    {
        // Identity's own names, as its sign-in decider writes them.
        Assert.Equal(["password", "totp", "recovery-code"],
            [VulnPlatform.Contracts.SignInFactors.Password, VulnPlatform.Contracts.SignInFactors.Authenticator, VulnPlatform.Contracts.SignInFactors.RecoveryCode]);
        var planned = Assert.Single(NotificationPlan.For(new VulnPlatform.Contracts.Identity.AccountSignedIn(Guid.NewGuid(), factors, DateTimeOffset.UtcNow),
            new NotificationPolicyOptions()));
        var rendered = Templates.Render(planned.Template, language, planned.Values);
        Assert.Contains(expected, rendered.Text);
        Assert.Contains(expected, rendered.Html);
    }

    [Theory]
    [InlineData("en", "not-reproducible", "Reason: we could not reproduce it.")]
    [InlineData("en", "out-of-scope", "Reason: it is outside the scope of our security policy.")]
    [InlineData("en", "informative", "Reason: it is informative: useful to know, but no vulnerability to fix.")]
    [InlineData("en", "duplicate", "Reason: it is a duplicate of a report we already had (VR-2026-000001).")]
    [InlineData("en", "spam", "Reason: it is not a security report.")]
    [InlineData("zh-CN", "not-reproducible", "原因：我们无法复现该问题。")]
    [InlineData("zh-CN", "out-of-scope", "原因：该问题不在我们安全策略的范围内。")]
    [InlineData("zh-CN", "informative", "原因：仅供参考：信息有用，但不是需要修复的漏洞。")]
    [InlineData("zh-CN", "duplicate", "原因：与我们已收到的报告重复（VR-2026-000001）。")]
    [InlineData("zh-CN", "spam", "原因：这不是安全报告。")]
    public void The_result_e_mail_gives_the_rejection_reason_in_words(string language, string reason, string expected)
    {
        // The console sends an empty "duplicate of" with every other reason: it must not show as "a duplicate of" nothing.
        var duplicateOf = reason == "duplicate" ? "VR-2026-000001" : "";
        var planned = Assert.Single(NotificationPlan.For(new VulnPlatform.Contracts.Triage.CaseRejected(Guid.NewGuid(), Guid.NewGuid(), "VR-2026-000042", reason,
            "Thank you for the report.", duplicateOf, VulnPlatform.Contracts.Actor.System, DateTimeOffset.UtcNow), new NotificationPolicyOptions()));
        var rendered = Templates.Render(planned.Template, language, planned.Values);
        Assert.Contains(expected, rendered.Text);
        Assert.Contains(expected, rendered.Html);
        Assert.DoesNotContain(reason == "duplicate" ? "()" : "VR-2026-000001", rendered.Text);
        Assert.DoesNotContain("（与", rendered.Text);
        if (reason.Contains('-')) Assert.DoesNotContain(reason, rendered.Text); // a code, not words
    }

    [Theory]
    [InlineData("en", "email-address", "Why: an advisory text contains the reporter's e-mail address.")]
    [InlineData("en", "name", "Why: an advisory text contains the reporter's name, and they have not asked for public credit (or withdrew it).")]
    [InlineData("en", "unchecked", "Why: the reporter's identity could not be checked against the advisory texts in time (Intake did not answer).")]
    [InlineData("zh-CN", "email-address", "原因：公告文本中含有报告者的电子邮件地址。")]
    [InlineData("zh-CN", "name", "原因：公告文本中含有报告者的姓名，而报告者未要求（或已撤回）公开致谢。")]
    [InlineData("zh-CN", "unchecked", "原因：未能及时核对公告文本与报告者身份（Intake 未响应）。")]
    public void The_coordinators_learn_in_words_why_a_publication_was_held(string language, string reason, string expected)
    {
        var planned = Assert.Single(NotificationPlan.For(new VulnPlatform.Contracts.Disclosure.AdvisoryPublicationHeld(Guid.NewGuid(), "VR-2026-000042",
            new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.Zero), reason, new DateTimeOffset(2026, 11, 2, 8, 55, 0, TimeSpan.Zero)), new NotificationPolicyOptions()));
        Assert.Equal(new Recipient(Recipient.Desk, StaffDesks.Coordination), planned.Recipient);
        var rendered = Templates.Render(planned.Template, language, planned.Values);
        Assert.Contains(expected, rendered.Text);
        Assert.Contains("2026-11-02 09:00 UTC", rendered.Text);
        Assert.Contains("VR-2026-000042", rendered.Subject);
        if (reason != "name") Assert.DoesNotContain(reason, rendered.Text); // a code, not words
    }

    [Theory]
    [InlineData("en", "- it is before the disclosure date agreed with you;", "Their reason: Exploited in the wild.")]
    [InlineData("zh-CN", "- 该时间早于与您约定的披露日期；", "协调员的理由：Exploited in the wild.")]
    public void Each_vendor_learns_of_an_override_with_the_reason_and_the_instant_in_both_zones(string language, string concern, string reason)
    {
        var vendors = new[] { Guid.NewGuid(), Guid.NewGuid() };
        var planned = NotificationPlan.For(new VulnPlatform.Contracts.Disclosure.AdvisoryScheduleOverridden(Guid.NewGuid(), "VR-2026-000042",
            new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.Zero), "Europe/Berlin", "2026-11-02T10:00+01:00", ["before-agreed-date"], "Exploited in the wild.",
            vendors, VulnPlatform.Contracts.Actor.System, DateTimeOffset.UtcNow), new NotificationPolicyOptions());
        Assert.Equal(vendors.Select(v => new Recipient(Recipient.Vendor, v.ToString())), planned.Select(p => p.Recipient));
        var rendered = Templates.Render(planned[0].Template, language, planned[0].Values);
        Assert.Contains(concern, rendered.Text);
        Assert.Contains(reason, rendered.Text);
        Assert.Contains("2026-11-02 10:00 Europe/Berlin", rendered.Text);
        Assert.Contains("2026-11-02 09:00 UTC", rendered.Text);
        Assert.DoesNotContain("before-agreed-date", rendered.Text);
        Assert.DoesNotContain("notice before publication", rendered.Text); // only the concerns there were
    }

    [Theory]
    [InlineData("en", "Their reason: Added by mistake.")]
    [InlineData("zh-CN", "协调员的理由：Added by mistake.")]
    public void A_vendor_taken_off_a_case_is_told_why_only_if_it_had_been_notified(string language, string expected)
    {
        var organisation = Guid.NewGuid();
        VulnPlatform.Contracts.VendorCoordination.VendorRemovedFromCase Removed(bool notified) => new(Guid.NewGuid(), Guid.NewGuid(), "VR-2026-000042", organisation,
            notified, "Added by mistake.", VulnPlatform.Contracts.Actor.System, DateTimeOffset.UtcNow);
        Assert.Empty(NotificationPlan.For(Removed(false), new NotificationPolicyOptions()));
        var planned = Assert.Single(NotificationPlan.For(Removed(true), new NotificationPolicyOptions()));
        Assert.Equal(new Recipient(Recipient.Vendor, organisation.ToString()), planned.Recipient);
        Assert.Contains(expected, Templates.Render(planned.Template, language, planned.Values).Text);
    }

    [Fact]
    public void Every_message_the_plan_names_has_a_template_in_both_languages()
    {
        Assert.True(Names.Length >= 20);
        foreach (var name in Names) Assert.True(File.Exists(Path.Combine(AppContext.BaseDirectory, "Templates", "zh-CN", name + ".liquid")), $"{name} has no Chinese template");
    }

    [Theory]
    [MemberData(nameof(Every))]
    public void Hostile_values_are_encoded_in_html_and_folded_in_the_subject(string name, string language)
    {
        var values = Hostile();
        var rendered = Templates.Render(name, language, values);
        Assert.DoesNotContain("<script>", rendered.Html);
        Assert.DoesNotContain("\r", rendered.Subject);
        Assert.DoesNotContain("\n", rendered.Subject);
        // Messages about a report carry its tracking number in the subject; account, pen-test and customer messages are not about
        // a report their reader knows (customers never see the platform's internal numbers).
        if (name is not ("email-confirmation" or "new-sign-in" or "two-factor-changed" or "locked-out" or "password-changed" or "customer-prenotice")
            && !name.StartsWith("pentest-", StringComparison.Ordinal))
        {
            Assert.Contains("VR-2026-", rendered.Subject);
        }
        if (rendered.Text.Contains(Script)) Assert.Contains("&lt;script&gt;", rendered.Html);
    }

    [Fact]
    public void A_tracking_number_with_line_breaks_cannot_add_a_header_to_the_email()
    {
        var values = Hostile();
        values["trackingNumber"] = "VR-2026-000001\r\nBcc: victim@example.com\r\nX-Injected: yes";
        var rendered = Templates.Render("acknowledged", "en", values);
        var channel = new EmailChannel(Options.Create(new SmtpOptions()), NullLogger<EmailChannel>.Instance);
        var message = channel.Compose(Guid.NewGuid(), "reporter@example.org", "Name\r\nBcc: x@example.com", rendered);
        using var stream = new MemoryStream();
        message.WriteTo(stream);
        var raw = System.Text.Encoding.UTF8.GetString(stream.ToArray()).Replace("\r\n", "\n");
        var headerLines = raw[..raw.IndexOf("\n\n", StringComparison.Ordinal)].Split('\n');
        Assert.DoesNotContain(headerLines, line => line.StartsWith("Bcc:", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(headerLines, line => line.StartsWith("X-Injected:", StringComparison.OrdinalIgnoreCase));
        var parsed = MimeMessage.Load(new MemoryStream(stream.ToArray()));
        Assert.Empty(parsed.Bcc);
        Assert.Single(parsed.To);
        Assert.Contains("Bcc: victim@example.com", parsed.Subject); // kept as text on the subject's one line
    }

    [Fact]
    public void Unknown_languages_fall_back_to_english_and_chinese_variants_choose_simplified_chinese()
    {
        Assert.Equal("en", MessageTemplates.Language("fr-FR"));
        Assert.Equal("en", MessageTemplates.Language(null));
        Assert.Equal("zh-CN", MessageTemplates.Language("zh"));
        Assert.Equal("zh-CN", MessageTemplates.Language("zh-Hans-CN,zh;q=0.9"));
        Assert.Contains("确认", Templates.Render("acknowledged", "zh-CN", Hostile()).Subject);
    }

    [Fact]
    public void Delivery_ids_are_the_same_for_the_same_event_recipient_and_channel_only()
    {
        var source = Guid.NewGuid();
        var reporter = new Recipient(Recipient.Reporter, Guid.NewGuid().ToString());
        Assert.Equal(DeliveryIds.For(source, reporter, DeliveryChannels.Email), DeliveryIds.For(source, reporter, DeliveryChannels.Email));
        Assert.NotEqual(DeliveryIds.For(source, reporter, DeliveryChannels.Email), DeliveryIds.For(source, reporter, DeliveryChannels.Webhook));
        Assert.NotEqual(DeliveryIds.For(source, reporter, DeliveryChannels.Email), DeliveryIds.For(Guid.NewGuid(), reporter, DeliveryChannels.Email));
    }

    private static Dictionary<string, string?> Hostile()
    {
        var values = new Dictionary<string, string?>();
        foreach (var key in new[] { "title", "message", "question", "update", "explanation", "reason", "plan", "fixedVersion", "description", "desk", "kind",
                     "summary", "product", "reporterName", "clock", "link", "duplicateOf" })
        {
            values[key] = Script + " \"quoted\" & 'single'\r\nSecond-Line: injected";
        }
        values["trackingNumber"] = "VR-2026-000042";
        foreach (var key in new[] { "targetFixDate", "proposedDisclosureDate", "questionAskedAt", "dueAt", "at", "lockedUntil", "expiresAt" }) values[key] = "2026-12-01";
        values["acknowledgementHours"] = "24";
        values["updateEveryBusinessDays"] = "5";
        values["enabled"] = "true";
        values["password"] = "true";
        values["authenticator"] = "true";
        return values;
    }
}
