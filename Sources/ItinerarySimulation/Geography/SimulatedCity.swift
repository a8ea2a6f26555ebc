/// A mainland card city the simulated phones live in or travel through, with an approximate
/// position (for neighbours and routes) and a weight (how many phones live there).
struct SimulatedCity: Sendable {
    let adcode: Int
    let latitude: Double
    let longitude: Double
    let weight: Int

    /// Large cities, a few of their neighbours and cities along the main rail lines.
    static let all: [SimulatedCity] = [
        .init(adcode: 110000, latitude: 39.90, longitude: 116.41, weight: 20),  // 北京
        .init(adcode: 120000, latitude: 39.13, longitude: 117.20, weight: 10),  // 天津
        .init(adcode: 310000, latitude: 31.23, longitude: 121.47, weight: 20),  // 上海
        .init(adcode: 500000, latitude: 29.56, longitude: 106.55, weight: 12),  // 重庆
        .init(adcode: 131000, latitude: 39.54, longitude: 116.68, weight: 3),  // 廊坊
        .init(adcode: 130100, latitude: 38.04, longitude: 114.51, weight: 5),  // 石家庄
        .init(adcode: 130600, latitude: 38.87, longitude: 115.46, weight: 3),  // 保定
        .init(adcode: 130200, latitude: 39.63, longitude: 118.18, weight: 3),  // 唐山
        .init(adcode: 370100, latitude: 36.65, longitude: 117.12, weight: 5),  // 济南
        .init(adcode: 370200, latitude: 36.07, longitude: 120.38, weight: 5),  // 青岛
        .init(adcode: 370400, latitude: 34.81, longitude: 117.32, weight: 2),  // 枣庄
        .init(adcode: 320300, latitude: 34.26, longitude: 117.18, weight: 3),  // 徐州
        .init(adcode: 320100, latitude: 32.06, longitude: 118.80, weight: 8),  // 南京
        .init(adcode: 320500, latitude: 31.30, longitude: 120.59, weight: 7),  // 苏州
        .init(adcode: 320200, latitude: 31.49, longitude: 120.31, weight: 4),  // 无锡
        .init(adcode: 320400, latitude: 31.81, longitude: 119.97, weight: 3),  // 常州
        .init(adcode: 330100, latitude: 30.27, longitude: 120.16, weight: 9),  // 杭州
        .init(adcode: 330400, latitude: 30.75, longitude: 120.76, weight: 2),  // 嘉兴
        .init(adcode: 330200, latitude: 29.87, longitude: 121.54, weight: 4),  // 宁波
        .init(adcode: 340100, latitude: 31.82, longitude: 117.23, weight: 5),  // 合肥
        .init(adcode: 350100, latitude: 26.07, longitude: 119.30, weight: 4),  // 福州
        .init(adcode: 350200, latitude: 24.48, longitude: 118.09, weight: 3),  // 厦门
        .init(adcode: 360100, latitude: 28.68, longitude: 115.86, weight: 4),  // 南昌
        .init(adcode: 410100, latitude: 34.75, longitude: 113.63, weight: 7),  // 郑州
        .init(adcode: 410700, latitude: 35.30, longitude: 113.93, weight: 2),  // 新乡
        .init(adcode: 419001, latitude: 35.07, longitude: 112.60, weight: 1),  // 济源
        .init(adcode: 411000, latitude: 34.04, longitude: 113.85, weight: 2),  // 许昌
        .init(adcode: 420100, latitude: 30.59, longitude: 114.31, weight: 8),  // 武汉
        .init(adcode: 430100, latitude: 28.23, longitude: 112.94, weight: 6),  // 长沙
        .init(adcode: 430200, latitude: 27.83, longitude: 113.13, weight: 2),  // 株洲
        .init(adcode: 431000, latitude: 25.77, longitude: 113.01, weight: 1),  // 郴州
        .init(adcode: 440100, latitude: 23.13, longitude: 113.26, weight: 14),  // 广州
        .init(adcode: 440300, latitude: 22.54, longitude: 114.06, weight: 14),  // 深圳
        .init(adcode: 440600, latitude: 23.02, longitude: 113.12, weight: 5),  // 佛山
        .init(adcode: 441900, latitude: 23.02, longitude: 113.75, weight: 6),  // 东莞
        .init(adcode: 440400, latitude: 22.27, longitude: 113.58, weight: 2),  // 珠海
        .init(adcode: 450100, latitude: 22.82, longitude: 108.37, weight: 4),  // 南宁
        .init(adcode: 460100, latitude: 20.04, longitude: 110.20, weight: 2),  // 海口
        .init(adcode: 460200, latitude: 18.25, longitude: 109.51, weight: 1),  // 三亚
        .init(adcode: 510100, latitude: 30.57, longitude: 104.07, weight: 12),  // 成都
        .init(adcode: 520100, latitude: 26.65, longitude: 106.63, weight: 4),  // 贵阳
        .init(adcode: 530100, latitude: 25.04, longitude: 102.71, weight: 4),  // 昆明
        .init(adcode: 610100, latitude: 34.34, longitude: 108.94, weight: 8),  // 西安
        .init(adcode: 620100, latitude: 36.06, longitude: 103.83, weight: 3),  // 兰州
        .init(adcode: 140100, latitude: 37.87, longitude: 112.55, weight: 3),  // 太原
        .init(adcode: 150100, latitude: 40.84, longitude: 111.75, weight: 2),  // 呼和浩特
        .init(adcode: 210100, latitude: 41.81, longitude: 123.43, weight: 5),  // 沈阳
        .init(adcode: 210200, latitude: 38.91, longitude: 121.61, weight: 4),  // 大连
        .init(adcode: 220100, latitude: 43.82, longitude: 125.32, weight: 4),  // 长春
        .init(adcode: 230100, latitude: 45.80, longitude: 126.53, weight: 5),  // 哈尔滨
        .init(adcode: 650100, latitude: 43.83, longitude: 87.62, weight: 2),  // 乌鲁木齐
        .init(adcode: 640100, latitude: 38.49, longitude: 106.23, weight: 1),  // 银川
        .init(adcode: 630100, latitude: 36.62, longitude: 101.78, weight: 1),  // 西宁
        .init(adcode: 540100, latitude: 29.65, longitude: 91.14, weight: 1),  // 拉萨
    ]

    /// Approximate distance in kilometres (equirectangular: plenty for choosing neighbours).
    func distance(to other: SimulatedCity) -> Double {
        let meanLatitude = (latitude + other.latitude) / 2 * .pi / 180
        let dx = (longitude - other.longitude) * cos(meanLatitude) * 111.2
        let dy = (latitude - other.latitude) * 111.2
        return (dx * dx + dy * dy).squareRoot()
    }

    /// Where this city projects on the route from `a` to `b` (0 at `a`, 1 at `b`) and how far off it lies, in km.
    func position(onRouteFrom a: SimulatedCity, to b: SimulatedCity) -> (fraction: Double, offset: Double) {
        let length = a.distance(to: b)
        guard length > 0 else { return (0, distance(to: a)) }
        let fromA = a.distance(to: self)
        let toB = distance(to: b)
        let fraction = (fromA * fromA - toB * toB + length * length) / (2 * length * length)
        let along = fraction * length
        return (fraction, max(0, fromA * fromA - along * along).squareRoot())
    }
}

/// `cos` without Foundation: a short Taylor series is ample for latitudes of China.
private func cos(_ x: Double) -> Double {
    let x2 = x * x
    return 1 - x2 / 2 + x2 * x2 / 24 - x2 * x2 * x2 / 720
}
