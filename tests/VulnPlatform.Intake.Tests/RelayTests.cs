using System.Diagnostics;
using System.Net.Http.Json;
using VulnPlatform.Testing;

namespace VulnPlatform.Intake.Tests;

[Collection(IntakeCollection.Name)]
public sealed class RelayTests(IntakeFixture intake)
{
    private const string Exchange = "VulnPlatform.Contracts.Intake:ReportSubmitted";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_plain_RabbitMQ_consumer_receives_ReportSubmitted_without_personal_data()
    {
        await using var subscriber = await RawSubscriber.StartAsync(intake.Servers, Exchange);

        var submitted = await intake.SubmitAsync(Reports.Valid());

        var received = await subscriber.WaitForAsync(
            all => all.Any(m => m.Message.GetProperty("reportId").GetGuid() == submitted.ReportId), Patience);
        var message = Assert.Single(received, m => m.Message.GetProperty("reportId").GetGuid() == submitted.ReportId);
        Assert.Equal(submitted.TrackingNumber, message.Message.GetProperty("trackingNumber").GetString());
        Assert.Equal("vulnerability", message.Message.GetProperty("kind").GetString());
        Assert.Equal("Acme", message.Message.GetProperty("product").GetProperty("vendor").GetString());
        Assert.False(message.Message.GetProperty("anonymous").GetBoolean());
        Assert.Contains("urn:message:VulnPlatform.Contracts.Intake:ReportSubmitted",
            message.Envelope.GetProperty("messageType").EnumerateArray().Select(t => t.GetString()));

        // The message id is the Marten event id, so a repeat can be recognised by any consumer.
        await using var session = intake.Store.QuerySession();
        var events = await session.Events.FetchStreamAsync(submitted.ReportId);
        Assert.Equal(events[0].Id, message.MessageId);

        // Nothing that identifies the reporter leaves Intake.
        Assert.DoesNotContain(Reports.ReporterEmail, message.RawJson, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Reports.ReporterName, message.RawJson, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(submitted.FollowUpToken, message.RawJson);
    }

    [Fact]
    public async Task The_published_message_continues_the_trace_of_the_http_request()
    {
        await using var subscriber = await RawSubscriber.StartAsync(intake.Servers, Exchange);
        var traceId = ActivityTraceId.CreateRandom();
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/reports") { Content = JsonContent.Create(Reports.Valid()) };
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");

        var response = await intake.Client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        var reportId = (await response.Content.ReadFromJsonAsync<VulnPlatform.Intake.Reports.Submitting.SubmitReportResponse>())!.ReportId;

        var received = await subscriber.WaitForAsync(
            all => all.Any(m => m.Message.GetProperty("reportId").GetGuid() == reportId), Patience);
        var message = Assert.Single(received, m => m.Message.GetProperty("reportId").GetGuid() == reportId);
        var traceParent = Assert.IsType<string>(message.Headers["traceparent"]);
        Assert.Equal(traceId.ToString(), traceParent.Split('-')[1]);
        // MassTransit's own header, which its consumers continue, carries the same trace.
        var activityId = Assert.IsType<string>(message.Headers["MT-Activity-Id"]);
        Assert.Equal(traceId.ToString(), activityId.Split('-')[1]);
    }
}
