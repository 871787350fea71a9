using System.Net.Http.Headers;
using System.Security.Cryptography;

namespace VulnPlatform.Intake.Tests;

public sealed record UploadFile(string Name, byte[] Bytes, string ContentType = "application/octet-stream");

/// <summary>Multipart bodies as browsers and curl send them.</summary>
public static class Uploads
{
    public static byte[] RandomBytes(int length) => RandomNumberGenerator.GetBytes(length);

    public static MultipartFormDataContent Multipart(params UploadFile[] files)
    {
        var content = new MultipartFormDataContent();
        foreach (var file in files)
        {
            var part = new ByteArrayContent(file.Bytes);
            part.Headers.ContentType = MediaTypeHeaderValue.Parse(file.ContentType);
            // Set by hand so that hostile names reach the server exactly as written; names that a
            // header cannot carry literally (control characters) travel RFC 5987-encoded, as filename*.
            if (file.Name.Any(char.IsControl))
            {
                part.Headers.TryAddWithoutValidation("Content-Disposition",
                    $"form-data; name=\"files\"; filename*=UTF-8''{Uri.EscapeDataString(file.Name)}");
            }
            else
            {
                part.Headers.ContentDisposition = new ContentDispositionHeaderValue("form-data")
                {
                    Name = "\"files\"",
                    FileName = "\"" + file.Name.Replace("\"", "\\\"") + "\"",
                };
            }
            content.Add(part);
        }
        return content;
    }

    public static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
