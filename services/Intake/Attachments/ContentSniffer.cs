using System.Text;

namespace VulnPlatform.Intake.Attachments;

/// <summary>
/// What the first bytes of a file say it is, whatever its name and declared type claim: a PoC named
/// "report.pdf" that starts with "MZ" is shown to staff as an executable.
/// </summary>
public static class ContentSniffer
{
    public const int BytesNeeded = 512;

    private static readonly (byte[] Magic, string Type)[] Signatures =
    [
        ("%PDF-"u8.ToArray(), "application/pdf"),
        ([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], "image/png"),
        ([0xFF, 0xD8, 0xFF], "image/jpeg"),
        ("GIF87a"u8.ToArray(), "image/gif"),
        ("GIF89a"u8.ToArray(), "image/gif"),
        ([0x50, 0x4B, 0x03, 0x04], "application/zip"),
        ([0x1F, 0x8B], "application/gzip"),
        ([0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C], "application/x-7z-compressed"),
        ([0x7F, 0x45, 0x4C, 0x46], "application/x-elf"),
        ("MZ"u8.ToArray(), "application/x-msdownload"),
        ([0xD4, 0xC3, 0xB2, 0xA1], "application/vnd.tcpdump.pcap"),
        ([0xA1, 0xB2, 0xC3, 0xD4], "application/vnd.tcpdump.pcap"),
        ([0x0A, 0x0D, 0x0D, 0x0A], "application/x-pcapng"),
    ];

    public static string Sniff(ReadOnlySpan<byte> head)
    {
        foreach (var (magic, type) in Signatures)
        {
            if (head.StartsWith(magic))
            {
                return type;
            }
        }

        return LooksLikeText(head) ? "text/plain" : "application/octet-stream";
    }

    private static bool LooksLikeText(ReadOnlySpan<byte> head)
    {
        if (head.IndexOf((byte)0) >= 0)
        {
            return false;
        }

        // A multi-byte character may be cut at the end of the sample: judge only complete characters.
        var utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
        for (var cut = 0; cut < 4 && cut < head.Length; cut++)
        {
            try
            {
                utf8.GetCharCount(head[..^cut]);
                return true;
            }
            catch (DecoderFallbackException)
            {
                if (head.Length < BytesNeeded) return false; // the whole file was sampled: nothing was cut
            }
        }
        return false;
    }
}
