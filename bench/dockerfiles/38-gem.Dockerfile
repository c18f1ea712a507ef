FROM ruby:3.3
RUN gem install bundler
RUN gem install rails -v 7.1.3 && gem install rake:13.1.0
WORKDIR /app
COPY Gemfile Gemfile.lock ./
RUN bundle install
USER 1000
CMD ["bundle", "exec", "rails", "s"]
