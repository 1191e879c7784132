import Testing
import Foundation
import ModelFiles
@testable import Corpus

/// Content selection: removed tags, class/id/role chrome, link density, main element.
@Suite struct HTMLExtractorTests {
    let article = "<p>The first paragraph of the article is long enough to be main text by any measure at all.</p>"
        + "<p>A second paragraph follows, with a <a href='/x'>link</a> inside running text, which stays.</p>"

    @Test func chromeByTagClassIdAndRole() throws {
        let html = "<body><header><a href=/>Logo</a></header><div id=cookie-notice>We use cookies</div>"
            + "<div class='site-nav'><a href=/a>A</a></div><div class=sphinxsidebar>side</div><div role=navigation>r</div>"
            + article + "<div class='share-buttons'>Share</div><footer>Terms of use</footer><div class=canvas-wrap>kept</div></body>"
        let text = try HTMLExtractor().extract(html).text
        #expect(text == "The first paragraph of the article is long enough to be main text by any measure at all.\n"
            + "A second paragraph follows, with a link inside running text, which stays.\nkept")
    }

    @Test func linkDenseBlocksAreDropped() throws {
        let html = "<body>" + article + "<ul><li><a href=1>One</a></li><li><a href=2>Two</a></li><li><a href=3>Three</a></li></ul>"
            + "<p>Closing words of the article without links, long enough to stay in the text.</p></body>"
        let text = try HTMLExtractor().extract(html).text
        #expect(!text.contains("One") && !text.contains("Three"))
        #expect(text.hasSuffix("Closing words of the article without links, long enough to stay in the text."))
    }

    @Test func mainElementIsPreferred() throws {
        let html = "<body><div>Outside text that is not chrome by name.</div><main>\(article)\(article)</main></body>"
        #expect(try !HTMLExtractor().extract(html).text.contains("Outside"))
        var config = HTMLExtractionConfiguration()
        config.preferMainElement = false
        #expect(try HTMLExtractor(configuration: config).extract(html).text.contains("Outside"))
    }

    @Test func articleHeadersKeepTheirTitle() throws {
        let html = "<body><header>Site name</header><article><header><h1>The title</h1></header>\(article)\(article)</article></body>"
        let text = try HTMLExtractor().extract(html).text
        #expect(text.hasPrefix("The title\nThe first paragraph"))
        var config = HTMLExtractionConfiguration()
        config.keepHeadersInArticles = false
        #expect(try HTMLExtractor(configuration: config).extract(html).text.hasPrefix("The first paragraph"))
    }

    @Test func hiddenElementsAreDropped() throws {
        let html = "<body><div hidden>h1</div><div style='display: none'>h2</div><span aria-hidden=true>h3</span><p>shown</p></body>"
        #expect(try HTMLExtractor().extract(html).text == "shown")
    }

    @Test func configurationIsCodableAndValidated() throws {
        let config = HTMLExtractionConfiguration()
        let data = try JSONEncoder().encode(config)
        #expect(try JSONDecoder().decode(HTMLExtractionConfiguration.self, from: data) == config)
        let partial = try JSONDecoder().decode(HTMLExtractionConfiguration.self, from: Data(#"{"linkDensity": 0.5}"#.utf8))
        #expect(partial.linkDensity == 0.5 && partial.removedTags == config.removedTags)
        var bad = config
        bad.removedTags.append("blink-tag")
        #expect(throws: HTMLExtractionError.unknownTag("blink-tag", field: "removedTags")) {
            try HTMLExtractor(configuration: bad)
        }
    }

    @Test func documentGetsTextAndMetadata() throws {
        let doc = Document(id: "1", text: "<html lang=en><title>T</title><p>body text</p></html>")
        let out = try HTMLExtractor().extract(doc)
        #expect(out.text == "body text")
        #expect(out[metadata: "title"]?.string == "T")
        #expect(out[metadata: "html_lang"]?.string == "en")
    }
}
