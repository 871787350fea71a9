using System.Net;
using System.Text.RegularExpressions;
using VulnPlatform.Testing;

namespace VulnPlatform.EndToEnd.Tests;

/// <summary>
/// The report form posted twice (the button pressed again while the first answer is on its way, a
/// reload that posts again) files one report: the form carries one submission key, which the web
/// client passes to Intake as the Idempotency-Key.
/// </summary>
public sealed partial class WebResubmissionTests
{
    [Fact]
    public async Task The_same_report_form_posted_twice_files_one_report_and_shows_the_same_receipt()
    {
        using var browser = new Browser(Platform.Client());
        var form = await browser.OpenAsync("/report");
        Assert.Equal(HttpStatusCode.OK, form.Status);
        var fields = new Dictionary<string, string>
        {
            ["Form.Kind"] = "vulnerability", ["Form.Title"] = $"Double submit {Guid.NewGuid():N}", ["Form.Description"] = "The same form, posted twice.",
            ["Form.Vendor"] = "Acme", ["Form.Product"] = "Portal", ["Form.ThirdParty"] = "no", ["Form.Steps"] = "Press the button twice.", ["Form.Impact"] = "Two reports for one.",
        };

        var first = await browser.SubmitAsync(form, fields);
        var second = await browser.SubmitAsync(form, fields);

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal(HttpStatusCode.OK, second.Status);
        var number = TrackingNumber().Match(first.Document.Body!.TextContent);
        Assert.True(number.Success, "the first post shows no receipt");
        Assert.Equal(number.Value, TrackingNumber().Match(second.Document.Body!.TextContent).Value);

        // A new form is a new report.
        var another = await browser.SubmitAsync(await browser.OpenAsync("/report"), fields);
        Assert.NotEqual(number.Value, TrackingNumber().Match(another.Document.Body!.TextContent).Value);
    }

    [GeneratedRegex(@"VR-\d{4}-\d{6}")]
    private static partial Regex TrackingNumber();
}
