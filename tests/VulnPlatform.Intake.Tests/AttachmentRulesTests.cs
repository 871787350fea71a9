using System.Text;
using VulnPlatform.Intake.Attachments;

namespace VulnPlatform.Intake.Tests;

[Trait("Servers", "none")]
public sealed class AttachmentRulesTests
{
    [Theory]
    [InlineData("report.pdf", null)]
    [InlineData("PoC 2 (final).py", null)]
    [InlineData("漏洞说明.txt", null)]
    [InlineData("../etc/passwd", "path")]
    [InlineData("a/b.txt", "path")]
    [InlineData("a\\b.txt", "path")]
    [InlineData("C:evil.txt", "path")]
    [InlineData("..", "path")]
    [InlineData("", "name")]
    [InlineData("   ", "name")]
    public void File_names_that_are_paths_or_empty_are_refused(string name, string? problem)
    {
        var found = FileNames.Problem(name);
        if (problem is null) Assert.Null(found);
        else Assert.Contains(problem, found);
    }

    [Theory]
    [InlineData("report.pdf", "report.pdf")]
    [InlineData("PoC 2 (final).py", "PoC_2__final.py")]
    [InlineData("漏洞说明.txt", "attachment.txt")]
    [InlineData("<script>.html", "script.html")]
    [InlineData(".bashrc", "attachment.bashrc")]
    [InlineData("noextension", "noextension")]
    public void Sanitised_names_keep_only_safe_characters(string name, string safe) =>
        Assert.Equal(safe, FileNames.Sanitize(name));

    [Fact]
    public void Sanitised_names_are_bounded_and_keep_their_extension()
    {
        var safe = FileNames.Sanitize(new string('a', 250) + ".tar.gz");

        Assert.True(safe.Length <= FileNames.MaxSafeLength);
        Assert.EndsWith(".gz", safe);
    }

    [Theory]
    [InlineData(new byte[] { 0x25, 0x50, 0x44, 0x46, 0x2D, 0x31 }, "application/pdf")]
    [InlineData(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0 }, "image/png")]
    [InlineData(new byte[] { 0x50, 0x4B, 0x03, 0x04, 0x14 }, "application/zip")]
    [InlineData(new byte[] { 0x7F, 0x45, 0x4C, 0x46, 2 }, "application/x-elf")]
    [InlineData(new byte[] { 0x4D, 0x5A, 0x90, 0 }, "application/x-msdownload")]
    [InlineData(new byte[] { 0xD4, 0xC3, 0xB2, 0xA1 }, "application/vnd.tcpdump.pcap")]
    [InlineData(new byte[] { 0x00, 0x01, 0x02 }, "application/octet-stream")]
    [InlineData(new byte[] { 0xC3, 0x28 }, "application/octet-stream")]
    public void Content_is_labelled_by_its_first_bytes(byte[] head, string type) =>
        Assert.Equal(type, ContentSniffer.Sniff(head));

    [Fact]
    public void Text_is_text_even_when_the_sample_cuts_a_character_in_two()
    {
        var text = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("漏洞", 200)));

        Assert.Equal("text/plain", ContentSniffer.Sniff(text.AsSpan(0, ContentSniffer.BytesNeeded)));
        Assert.Equal("text/plain", ContentSniffer.Sniff("GET /?q=<script> HTTP/1.1\r\n"u8));
    }
}
