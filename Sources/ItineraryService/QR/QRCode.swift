import CQRencode

/// A QR code symbol from libqrencode (error correction level M), drawn as a small SVG.
struct QRCode: Sendable {
    /// Modules per side, without the quiet zone.
    let width: Int
    /// Row-major, `true` for a dark module.
    let modules: [Bool]

    /// Encodes `text` (libqrencode picks the modes and the smallest version); `nil` if it does not fit.
    init?(_ text: String) {
        guard let symbol = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1) else { return nil }
        defer { QRcode_free(symbol) }
        let width = Int(symbol.pointee.width)
        // Bit 0 of each byte is the module's colour; the other bits describe its role.
        modules = (0..<width * width).map { symbol.pointee.data[$0] & 1 == 1 }
        self.width = width
    }

    /// An SVG of the symbol with the 4-module quiet zone, one module per user unit: each row's
    /// dark runs are 1-unit strokes of one path (a few KB for a card's code), scaled by the page.
    var svg: String {
        let side = width + 8
        var path = ""
        for row in 0..<width {
            var column = 0
            var penX = 0
            var started = false
            while column < width {
                guard modules[row * width + column] else { column += 1; continue }
                let start = column
                while column < width, modules[row * width + column] { column += 1 }
                if started {
                    path += "m\(start - penX) 0"
                } else {
                    path += "M\(start + 4) \(row + 4).5"
                    started = true
                }
                path += "h\(column - start)"
                penX = column
            }
        }
        return #"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \#(side) \#(side)" shape-rendering="crispEdges">"#
            + #"<rect width="\#(side)" height="\#(side)" fill="white"/><path stroke="black" d="\#(path)"/></svg>"#
    }
}
