using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Npgsql;
using VulnPlatform.Intake.Reports.Attaching;
using VulnPlatform.Intake.Reports.Submitting;
using static VulnPlatform.Intake.Tests.Uploads;

namespace VulnPlatform.Intake.Tests;

[Collection(IntakeCollection.Name)]
public sealed class AttachmentTests(IntakeFixture intake)
{
    private async Task<HttpResponseMessage> UploadAsync(SubmitReportResponse report, params UploadFile[] files) =>
        await intake.Client.SendAsync(intake.Reporter(HttpMethod.Post, report, "/attachments", Multipart(files)));

    private async Task<AddAttachmentsResponse> UploadOkAsync(SubmitReportResponse report, params UploadFile[] files)
    {
        var response = await UploadAsync(report, files);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<AddAttachmentsResponse>())!;
    }

    private Task<HttpResponseMessage> DownloadAsync(SubmitReportResponse report, Guid attachmentId) =>
        intake.Client.SendAsync(intake.Reporter(HttpMethod.Get, report, $"/attachments/{attachmentId}"));

    [Fact]
    public async Task An_attachment_round_trips_byte_for_byte_and_is_encrypted_at_rest()
    {
        var report = await intake.SubmitAsync(Reports.Valid());
        var poc = RandomBytes(300_000); // spans three encrypted chunks
        var notes = Encoding.UTF8.GetBytes("curl -d 'q=<script>' https://shop.example/search\n");

        var added = await UploadOkAsync(report,
            new UploadFile("exploit poc (v2).bin", poc), new UploadFile("notes.txt", notes, "text/plain"));

        Assert.Equal(2, added.Attachments.Count);
        var stored = added.Attachments[0];
        Assert.Equal("exploit_poc__v2.bin", stored.FileName);
        Assert.Equal("exploit poc (v2).bin", stored.DisplayName);
        Assert.Equal(poc.Length, stored.Size);
        Assert.Equal(Sha256(poc), stored.Sha256);
        Assert.Equal("text/plain", added.Attachments[1].SniffedContentType);

        var download = await DownloadAsync(report, stored.Id);
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        var bytes = await download.Content.ReadAsByteArrayAsync();
        Assert.Equal(poc, bytes);
        Assert.Equal(stored.Sha256, Sha256(bytes));
        Assert.Equal("attachment", download.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("exploit_poc__v2.bin", download.Content.Headers.ContentDisposition?.FileNameStar);
        Assert.Equal("application/octet-stream", download.Content.Headers.ContentType?.MediaType);
        Assert.Equal("nosniff", download.Headers.GetValues("X-Content-Type-Options").Single());

        // What the database holds is not the file: no 32-byte run of the plaintext appears in it.
        var chunks = await ChunksAsync(stored.Id);
        Assert.Equal(3, chunks.Count);
        var atRest = chunks.SelectMany(c => c).ToArray();
        Assert.Equal(poc.Length + 3 * 16, atRest.Length);
        for (var offset = 0; offset + 32 <= poc.Length; offset += 4096)
        {
            Assert.Equal(-1, atRest.AsSpan().IndexOf(poc.AsSpan(offset, 32)));
        }
        Assert.Equal(-1, (await ChunksAsync(added.Attachments[1].Id)).Single().AsSpan().IndexOf("curl -d"u8));

        // The status view lists names, sizes and hashes.
        var view = await intake.Client.SendAsync(intake.Reporter(HttpMethod.Get, report));
        var attachments = (await view.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("attachments");
        Assert.Equal([stored.Sha256, added.Attachments[1].Sha256],
            attachments.EnumerateArray().Select(a => a.GetProperty("sha256").GetString()));
        Assert.Equal(poc.Length, attachments[0].GetProperty("size").GetInt64());
    }

    [Fact]
    public async Task A_file_that_looks_like_a_program_is_labelled_by_its_bytes_not_its_name()
    {
        var report = await intake.SubmitAsync(Reports.Valid());
        var program = "MZ\x90\0\x03"u8.ToArray().Concat(RandomBytes(1000)).ToArray();

        var added = await UploadOkAsync(report, new UploadFile("invoice.pdf", program, "application/pdf"));

        Assert.Equal("application/pdf", added.Attachments[0].DeclaredContentType);
        Assert.Equal("application/x-msdownload", added.Attachments[0].SniffedContentType);
        var download = await DownloadAsync(report, added.Attachments[0].Id);
        Assert.Equal("application/octet-stream", download.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_tampered_ciphertext_is_detected_and_not_served()
    {
        var report = await intake.SubmitAsync(Reports.Valid());
        var poc = RandomBytes(200_000);
        var id = (await UploadOkAsync(report, new UploadFile("poc.bin", poc))).Attachments[0].Id;

        await ExecuteAsync($"update intake_blob_chunks set data = set_byte(data, 100, get_byte(data, 100) # 1) where blob_id = '{id}' and seq = 1");
        var response = await DownloadAsync(report, id);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("https://vulnplatform.dev/problems/integrity-failure", problem.GetProperty("type").GetString());
        Assert.True(response.Content.Headers.ContentLength < 1000, "no file bytes were sent");
    }

    [Fact]
    public async Task A_truncated_or_reordered_ciphertext_is_detected_too()
    {
        var report = await intake.SubmitAsync(Reports.Valid());
        var truncated = (await UploadOkAsync(report, new UploadFile("a.bin", RandomBytes(300_000)))).Attachments[0].Id;
        var reordered = (await UploadOkAsync(report, new UploadFile("b.bin", RandomBytes(300_000)))).Attachments[0].Id;

        await ExecuteAsync($"delete from intake_blob_chunks where blob_id = '{truncated}' and seq = 2");
        await ExecuteAsync($"update intake_blob_chunks set seq = -1 where blob_id = '{reordered}' and seq = 0");
        await ExecuteAsync($"update intake_blob_chunks set seq = 0 where blob_id = '{reordered}' and seq = 1");
        await ExecuteAsync($"update intake_blob_chunks set seq = 1 where blob_id = '{reordered}' and seq = -1");

        Assert.Equal(HttpStatusCode.InternalServerError, (await DownloadAsync(report, truncated)).StatusCode);
        Assert.Equal(HttpStatusCode.InternalServerError, (await DownloadAsync(report, reordered)).StatusCode);
    }

    [Fact]
    public async Task Another_reports_token_cannot_download_an_attachment()
    {
        var owner = await intake.SubmitAsync(Reports.Valid());
        var other = await intake.SubmitAsync(Reports.Valid());
        var id = (await UploadOkAsync(owner, new UploadFile("secret.bin", RandomBytes(100)))).Attachments[0].Id;

        var asOther = await DownloadAsync(other, id);
        var request = new HttpRequestMessage(HttpMethod.Get, $"/api/reports/{owner.TrackingNumber}/attachments/{id}");
        request.Headers.Add("X-Follow-Up-Token", other.FollowUpToken);
        var mixed = await intake.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, asOther.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, mixed.StatusCode);
    }

    public static TheoryData<string, int[], HttpStatusCode> Limits => new()
    {
        // what, the file sizes of one upload after the report already holds 0 files, expected
        { "more files in one upload than a report takes", [10, 10, 10, 10, 10], HttpStatusCode.RequestEntityTooLarge },
        { "one file over the per-file limit", [IntakeFixture.MaxFileBytes + 1], HttpStatusCode.RequestEntityTooLarge },
        { "files together over the per-report limit", [400_000, 400_000, 400_000], HttpStatusCode.RequestEntityTooLarge },
        { "an empty file", [0], HttpStatusCode.BadRequest },
        { "an empty file after a good one", [10, 0], HttpStatusCode.BadRequest },
    };

    [Theory]
    [MemberData(nameof(Limits))]
    public async Task An_upload_over_a_limit_is_refused_whole_and_stores_nothing(string what, int[] sizes, HttpStatusCode expected)
    {
        var report = await intake.SubmitAsync(Reports.Valid());
        var before = await intake.StoredAsync();

        var response = await UploadAsync(report, sizes.Select((size, i) => new UploadFile($"f{i}.bin", RandomBytes(size))).ToArray());

        Assert.True(expected == response.StatusCode, $"{what}: {response.StatusCode}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(before, await intake.StoredAsync());
    }

    [Fact]
    public async Task Limits_count_what_the_report_already_holds()
    {
        var report = await intake.SubmitAsync(Reports.Valid());
        await UploadOkAsync(report, new UploadFile("a.bin", RandomBytes(400_000)), new UploadFile("b.bin", RandomBytes(400_000)));
        await UploadOkAsync(report, new UploadFile("c.bin", RandomBytes(10)));
        var before = await intake.StoredAsync();

        var overBytes = await UploadAsync(report, new UploadFile("d.bin", RandomBytes(300_000)));
        var atCount = await UploadAsync(report, new UploadFile("e.bin", RandomBytes(10)));
        var overCount = await UploadAsync(report, new UploadFile("f.bin", RandomBytes(10)));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, overBytes.StatusCode);
        Assert.Contains("add up to", (await overBytes.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.Created, atCount.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, overCount.StatusCode);
        Assert.Equal(before.Events + 1, await intake.CountEventsAsync());
    }

    [Fact]
    public async Task A_request_declaring_more_than_a_report_could_hold_is_refused_before_it_is_read()
    {
        var report = await intake.SubmitAsync(Reports.Valid());
        var request = intake.Reporter(HttpMethod.Post, report, "/attachments", Multipart(new UploadFile("a.bin", RandomBytes(10))));
        request.Content!.Headers.ContentLength = IntakeFixture.MaxBytesPerReport + 2L * 1024 * 1024;

        var response = await intake.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    public static TheoryData<string> HostileNames => new()
    {
        "../../etc/passwd",
        "..\\..\\windows\\win.ini",
        "/etc/shadow",
        "C:\\boot.ini",
        "..",
        "name\u0000.txt",
        "evil\u202Etxt.exe",
        "line\nbreak.txt",
        new string('a', 300),
    };

    [Theory]
    [MemberData(nameof(HostileNames))]
    public async Task Hostile_file_names_are_refused_and_nothing_is_stored(string name)
    {
        var report = await intake.SubmitAsync(Reports.Valid());
        var before = await intake.StoredAsync();

        var response = await UploadAsync(report, new UploadFile("fine.txt", "ok"u8.ToArray()), new UploadFile(name, RandomBytes(50)));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(before, await intake.StoredAsync());
    }

    [Fact]
    public async Task Malformed_uploads_get_problem_details_and_store_nothing()
    {
        var report = await intake.SubmitAsync(Reports.Valid());
        var before = await intake.StoredAsync();

        var json = await intake.Client.SendAsync(intake.Reporter(HttpMethod.Post, report, "/attachments", JsonContent.Create(new { file = "x" })));
        var field = new MultipartFormDataContent { { new StringContent("just text"), "comment" } };
        var notAFile = await intake.Client.SendAsync(intake.Reporter(HttpMethod.Post, report, "/attachments", field));
        var unterminated = new ByteArrayContent("--b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.txt\"\r\n\r\nabc"u8.ToArray());
        unterminated.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse("multipart/form-data; boundary=b");
        var cutShort = await intake.Client.SendAsync(intake.Reporter(HttpMethod.Post, report, "/attachments", unterminated));
        var noFiles = new ByteArrayContent("--b--\r\n"u8.ToArray());
        noFiles.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse("multipart/form-data; boundary=b");
        var empty = await intake.Client.SendAsync(intake.Reporter(HttpMethod.Post, report, "/attachments", noFiles));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, json.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, notAFile.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, cutShort.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        foreach (var response in new[] { json, notAFile, cutShort, empty })
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
        Assert.Equal(before, await intake.StoredAsync());
    }

    [Fact]
    public async Task Uploads_with_a_wrong_token_or_to_an_unknown_number_get_the_same_404()
    {
        var report = await intake.SubmitAsync(Reports.Valid());
        var before = await intake.StoredAsync();

        var wrongToken = new HttpRequestMessage(HttpMethod.Post, $"/api/reports/{report.TrackingNumber}/attachments")
        {
            Content = Multipart(new UploadFile("a.bin", RandomBytes(10))),
        };
        wrongToken.Headers.Add("X-Follow-Up-Token", "guess");
        var unknown = new HttpRequestMessage(HttpMethod.Post, "/api/reports/VR-1999-000001/attachments")
        {
            Content = Multipart(new UploadFile("a.bin", RandomBytes(10))),
        };
        unknown.Headers.Add("X-Follow-Up-Token", report.FollowUpToken);

        var first = await intake.Client.SendAsync(wrongToken);
        var second = await intake.Client.SendAsync(unknown);

        Assert.Equal(HttpStatusCode.NotFound, first.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, second.StatusCode);
        Assert.Equal(
            (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(),
            (await second.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        Assert.Equal(before, await intake.StoredAsync());
    }

    private async Task<List<byte[]>> ChunksAsync(Guid blobId)
    {
        await using var connection = new NpgsqlConnection(intake.Database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"select data from intake_blob_chunks where blob_id = '{blobId}' order by seq", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var chunks = new List<byte[]>();
        while (await reader.ReadAsync()) chunks.Add(reader.GetFieldValue<byte[]>(0));
        return chunks;
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(intake.Database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        Assert.True(await command.ExecuteNonQueryAsync() > 0, "the test changed something: " + sql);
    }
}
