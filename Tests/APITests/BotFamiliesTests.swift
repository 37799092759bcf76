import API
import Domain
import Testing

/// Each bot family the README names ("The redirect"), through the shipped lists (these user agents are not from the fixtures).
@Suite struct BotFamiliesTests {
    static let matcher = Result { try BotLists.matcher() }

    @Test(arguments: [
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
        "SomeCrawler/1.0", "my-spider", "Mozilla/5.0 (compatible; Yahoo! Slurp; http://help.yahoo.com/help/us/ysearch/slurp)",
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)", "TelegramBot (like TwitterBot)",
        "python-requests/2.31.0", "curl/8.4.0", "Wget/1.21.4",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.0.0 Safari/537.36",
    ])
    func theMinimalListOfTheSpec(_ userAgent: String) throws {
        #expect(try Self.matcher.get().isBot(userAgent))
    }

    @Test(arguments: [
        "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)", "Twitterbot/1.0",
        "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)", "WhatsApp/2.23.20.0 A",
        "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Safari/605.1.15 (Applebot/0.1; +http://www.apple.com/go/applebot)",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36 Google-Read-Aloud",
        "facebookcatalog/1.0", "Mozilla/5.0 (compatible; Facebot)", "Mozilla/5.0 (compatible; redditbot/1.0; +http://www.reddit.com/feedback)",
    ])
    func linkPreviewFetchers(_ userAgent: String) throws {
        #expect(try Self.matcher.get().isBot(userAgent))
    }

    @Test(arguments: [
        "python-urllib3/2.0.7", "Python/3.11 aiohttp/3.9.1", "Go-http-client/1.1", "okhttp/4.12.0", "Java/17.0.2",
        "node-fetch/1.0 (+https://github.com/bitinn/node-fetch)", "axios/1.6.2", "libwww-perl/6.72", "Apache-HttpClient/4.5.14 (Java/17)",
        "GuzzleHttp/7", "Scrapy/2.11.0 (+https://scrapy.org)", "PostmanRuntime/7.36.0", "HTTPie/3.2.2",
    ])
    func httpLibraries(_ userAgent: String) throws {
        #expect(try Self.matcher.get().isBot(userAgent))
    }

    @Test(arguments: [
        "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)",
        "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko); compatible; ChatGPT-User/1.0; +https://openai.com/bot",
        "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; ClaudeBot/1.0; +claudebot@anthropic.com)",
        "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; PerplexityBot/1.0; +https://perplexity.ai/perplexitybot)",
        "CCBot/2.0 (https://commoncrawl.org/faq/)", "Mozilla/5.0 (Linux; Android 5.0) AppleWebKit/537.36 (KHTML, like Gecko) Mobile Safari/537.36 (compatible; Bytespider; spider-feedback@bytedance.com)",
        "meta-externalagent/1.1 (+https://developers.facebook.com/docs/sharing/webmasters/crawler)",
        "Mozilla/5.0 (compatible; Amazonbot/0.1; +https://developer.amazon.com/support/amazonbot)",
    ])
    func aiCrawlers(_ userAgent: String) throws {
        #expect(try Self.matcher.get().isBot(userAgent))
    }

    @Test(arguments: [
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 14.6; rv:133.0) Gecko/20100101 Firefox/133.0",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
        "Mozilla/5.0 (Linux; Android 9; CUBOT KING KONG) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Instagram 300.0.0.0",
        "Mozilla/5.0 (Linux; Android 13; Pixel 7 Build/TQ3A.230805.001; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/120.0 Mobile Safari/537.36 [FB_IAB/FB4A;FBAV/440.0.0.0;]",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
        "Mozilla/5.0 (SMART-TV; Linux; Tizen 7.0) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/5.0 Chrome/94.0 TV Safari/537.36",
    ])
    func peopleInBrowsersPhonesAndInAppBrowsersAreNotBots(_ userAgent: String) throws {
        #expect(try !Self.matcher.get().isBot(userAgent))
    }

    @Test func operatorSignaturesExtendTheLists() throws {
        let userAgent = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36 Quokka/3"
        #expect(try !BotLists.matcher().isBot(userAgent))
        #expect(try BotLists.matcher(extraSignatures: ["quokka/"]).isBot(userAgent))
    }
}
